import type { FloatArray } from '../backend.js';

/** The int32 view of float32 data (the same bytes), for the branch-free loops below. */
const bits = (f: Float32Array) => new Int32Array(f.buffer, f.byteOffset, f.length);

/**
 * ReLU (reference/relu.ts) on the bits of float32 values, without a branch: on half-negative
 * activations a compare and jump per element mispredicts about every other time, which costs
 * several times the work. A float32 is kept when its sign bit is clear or it is a NaN (|bits| above
 * those of +∞), and becomes +0 otherwise (negative numbers, −0, −∞). Float64 takes the plain loop.
 */
export function reluCpu(x: FloatArray, out: FloatArray): void {
  if (!(x instanceof Float32Array && out instanceof Float32Array)) {
    for (let i = 0; i < x.length; i++) out[i] = x[i]! > 0 || Number.isNaN(x[i]!) ? x[i]! : 0;
    return;
  }
  const s = bits(x);
  const o = bits(out);
  for (let i = 0; i < s.length; i++) {
    const b = s[i]!;
    const keep = ~(b >> 31) | ((0x7f800000 - (b & 0x7fffffff)) >> 31);
    o[i] = b & keep;
  }
}

/**
 * The ReLU gradient (reference/relu.ts) branch-free on float32 bits: x > 0 exactly when
 * 0 < bits(x) ≤ bits(+∞) as int32; `pass` is then all ones, else 0, and dx takes dy's bits or
 * those of +0.
 */
export function reluBackwardCpu(dy: FloatArray, x: FloatArray, dx: FloatArray): void {
  if (!(dy instanceof Float32Array && x instanceof Float32Array && dx instanceof Float32Array)) {
    for (let i = 0; i < x.length; i++) dx[i] = x[i]! > 0 ? dy[i]! : 0;
    return;
  }
  const db = bits(dy);
  const zb = bits(x);
  const ob = bits(dx);
  for (let i = 0; i < zb.length; i++) {
    const b = zb[i]!;
    const pass = (((0 - b) | 0) >> 31) & (((b - 0x7f800001) | 0) >> 31);
    ob[i] = db[i]! & pass;
  }
}
