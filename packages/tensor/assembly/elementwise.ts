import { planeSum } from './batch-norm';

/**
 * ReLU's two passes and the per-channel sum, four lanes at a time (reference/relu.ts and
 * reference/sum-channels.ts define them). Pointers are byte addresses; n counts floats.
 */

/** y = max(0, x), NaN passed through, −0 → +0: each lane is cleared where x ≤ 0 (false for NaN). */
export function relu(x: usize, y: usize, n: i32): void {
  const zero = f32x4.splat(0);
  const end = <usize>n * 4;
  let i: usize = 0;
  for (; i + 16 <= end; i += 16) {
    const v = v128.load(x + i);
    v128.store(y + i, v128.andnot(v, f32x4.le(v, zero)));
  }
  for (; i < end; i += 4) {
    const v = load<f32>(x + i);
    // Not max(0, v): a NaN must pass, and −0 must become +0.
    store<f32>(y + i, v <= 0 ? 0 : v);
  }
}

/** dx = dy where x > 0, else +0 (a zero, negative or NaN input passes no gradient). */
export function reluBackward(dy: usize, x: usize, dx: usize, n: i32): void {
  const zero = f32x4.splat(0);
  const end = <usize>n * 4;
  let i: usize = 0;
  for (; i + 16 <= end; i += 16) {
    v128.store(dx + i, v128.and(v128.load(dy + i), f32x4.gt(v128.load(x + i), zero)));
  }
  for (; i < end; i += 4) store<f32>(dx + i, load<f32>(x + i) > 0 ? load<f32>(dy + i) : 0);
}

/** out[c] = Σ_n Σ_k x[n, c, k] in float64, over [batch, channels, plane]. */
export function sumChannels(x: usize, batch: i32, channels: i32, plane: i32, out: usize): void {
  const bytes = <usize>plane * 4;
  memory.fill(out, 0, <usize>channels * 8);
  let at = x;
  for (let n = 0; n < batch; n++) {
    for (let c = 0; c < channels; c++, at += bytes) {
      const p = out + <usize>c * 8;
      store<f64>(p, load<f64>(p) + planeSum(at, at + bytes));
    }
  }
}
