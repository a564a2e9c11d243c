import type { ChannelGeometry } from '../backend.js';
import { kernelInstance } from './kernels.js';

/**
 * Batch normalization's passes on the wasm kernels (assembly/batch-norm.ts): the operands are
 * copied into the module's memory, the pass runs four lanes at a time, and the result is copied
 * out. Per-channel numbers stay float64 in and out; float32 data only (the backend routes the rest).
 */
export function batchNormStatisticsWasm(
  x: Float32Array,
  g: ChannelGeometry,
  mean: Float64Array,
  variance: Float64Array,
): void {
  const w = kernelInstance();
  w.reset();
  const px = w.put(x);
  const pm = w.alloc(g.channels * 8);
  const pv = w.alloc(g.channels * 8);
  w.exports.batchNormStatistics(px, g.batch, g.channels, g.plane, pm, pv);
  w.getFloat64(pm, mean);
  w.getFloat64(pv, variance);
}

export function batchNormForwardWasm(
  x: Float32Array,
  out: Float32Array,
  g: ChannelGeometry,
  mean: Float64Array,
  scale: Float64Array,
  shift: Float64Array,
): void {
  const w = kernelInstance();
  w.reset();
  const px = w.put(x);
  const po = w.alloc(out.length * 4);
  const pm = w.putFloat64(mean);
  const pk = w.putFloat64(scale);
  const pt = w.putFloat64(shift);
  w.exports.batchNormForward(px, po, g.batch, g.channels, g.plane, pm, pk, pt);
  out.set(w.floats(po, out.length));
}

export function batchNormBackwardSumsWasm(
  dy: Float32Array,
  x: Float32Array,
  g: ChannelGeometry,
  mean: Float64Array,
  sumDy: Float64Array,
  sumDyXc: Float64Array,
): void {
  const w = kernelInstance();
  w.reset();
  const pdy = w.put(dy);
  const px = w.put(x);
  const pm = w.putFloat64(mean);
  const ps = w.alloc(g.channels * 8);
  const pq = w.alloc(g.channels * 8);
  w.exports.batchNormBackwardSums(pdy, px, g.batch, g.channels, g.plane, pm, ps, pq);
  w.getFloat64(ps, sumDy);
  w.getFloat64(pq, sumDyXc);
}

export function batchNormBackwardInputWasm(
  dy: Float32Array,
  x: Float32Array,
  dx: Float32Array,
  g: ChannelGeometry,
  mean: Float64Array,
  dyScale: Float64Array,
  xScale: Float64Array,
  shift: Float64Array,
): void {
  const w = kernelInstance();
  w.reset();
  const pdy = w.put(dy);
  const px = w.put(x);
  const pdx = w.alloc(dx.length * 4);
  const pm = w.putFloat64(mean);
  const pa = w.putFloat64(dyScale);
  const pb = w.putFloat64(xScale);
  const pt = w.putFloat64(shift);
  w.exports.batchNormBackwardInput(pdy, px, pdx, g.batch, g.channels, g.plane, pm, pa, pb, pt);
  dx.set(w.floats(pdx, dx.length));
}
