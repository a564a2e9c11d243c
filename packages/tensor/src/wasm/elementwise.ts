import type { ChannelGeometry } from '../backend.js';
import { kernelInstance } from './kernels.js';

/** y = max(0, x) on the wasm kernels (copied in, four lanes at a time, copied out; y may be x). */
export function reluWasm(x: Float32Array, y: Float32Array): void {
  const w = kernelInstance();
  w.reset();
  const px = w.put(x);
  w.exports.relu(px, px, x.length);
  y.set(w.floats(px, x.length));
}

/** dx = dy where x > 0, else 0. */
export function reluBackwardWasm(dy: Float32Array, x: Float32Array, dx: Float32Array): void {
  const w = kernelInstance();
  w.reset();
  const pdy = w.put(dy);
  const px = w.put(x);
  w.exports.reluBackward(pdy, px, pdy, x.length);
  dx.set(w.floats(pdy, x.length));
}

/** out[c] = Σ_n Σ_k x[n, c, k], in float64. */
export function sumChannelsWasm(x: Float32Array, g: ChannelGeometry, out: Float64Array): void {
  const w = kernelInstance();
  w.reset();
  const px = w.put(x);
  const po = w.alloc(g.channels * 8);
  w.exports.sumChannels(px, g.batch, g.channels, g.plane, po);
  w.getFloat64(po, out);
}
