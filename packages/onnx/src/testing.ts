import type { Network } from '@nabla/models';
import { NDArray, Random } from '@nabla/tensor';

/**
 * Test helpers (not exported from the package index): seeded inputs and a network whose every
 * weight and batch-norm statistic is a seeded random value, so a comparison exercises them all
 * (fresh BN layers have mean 0, variance 1, which would hide a swapped pair).
 */

export function randomArray(shape: readonly number[], seed: number, low = -1, high = 1): NDArray {
  const g = new Random(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) v[i] = g.uniformRange(low, high);
  return new NDArray(v, shape);
}

/** Replaces every float tensor of the state (weights, biases, running statistics) by seeded values. */
export function randomizeState(net: Network, seed: number): void {
  const g = new Random(seed);
  const state = new Map<string, NDArray>();
  for (const [k, v] of net.stateDict()) {
    if (v.dtype === 'int32') {
      state.set(k, v);
      continue;
    }
    const values = new Float32Array(v.size);
    const positive = k.endsWith('running_var') || k === 'input.std';
    for (let i = 0; i < v.size; i++)
      values[i] = positive ? g.uniformRange(0.5, 2) : g.uniformRange(-0.5, 0.5);
    state.set(k, new NDArray(values, v.shape));
  }
  net.loadStateDict(state);
}

/**
 * The largest |a − b| relative to the reference's scale: float32 results of the same math summed
 * in another order differ by a few units of 2^−24 per term.
 */
export function maxRelativeDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} vs ${b.length}`);
  let scale = 0;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]!));
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    if (!(d <= worst)) worst = Number.isNaN(d) ? Number.POSITIVE_INFINITY : d;
  }
  return worst / Math.max(scale, 1e-30);
}
