import type { ChannelGeometry, FloatArray } from '../backend.js';

/**
 * Batch normalization's passes (reference/batch-norm-*.ts) for the cpu: the same quantities, but
 * each channel's sums run plane by plane with four interleaved float64 accumulators. One chain of
 * additions waits on its own latency at every step; four keep the adder busy (about twice as fast).
 * The sums are then in a different order from the reference's, within the rounding bound.
 */

/** Visits each contiguous plane [at, end) of an [N, C, plane] buffer with its channel. */
function forEachPlane(g: ChannelGeometry, visit: (channel: number, at: number, end: number) => void): void {
  let at = 0;
  for (let n = 0; n < g.batch; n++) {
    for (let c = 0; c < g.channels; c++, at += g.plane) visit(c, at, at + g.plane);
  }
}

/** Σ x[i] over [at, end), four accumulators. */
function sum4(x: FloatArray, at: number, end: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = at;
  for (; i + 4 <= end; i += 4) {
    s0 += x[i]!;
    s1 += x[i + 1]!;
    s2 += x[i + 2]!;
    s3 += x[i + 3]!;
  }
  for (; i < end; i++) s0 += x[i]!;
  return s0 + s1 + (s2 + s3);
}

/** Σ (x[i] − mu)² over [at, end), four accumulators. */
function squares4(x: FloatArray, mu: number, at: number, end: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = at;
  for (; i + 4 <= end; i += 4) {
    const d0 = x[i]! - mu;
    const d1 = x[i + 1]! - mu;
    const d2 = x[i + 2]! - mu;
    const d3 = x[i + 3]! - mu;
    s0 += d0 * d0;
    s1 += d1 * d1;
    s2 += d2 * d2;
    s3 += d3 * d3;
  }
  for (; i < end; i++) {
    const d = x[i]! - mu;
    s0 += d * d;
  }
  return s0 + s1 + (s2 + s3);
}

export function batchNormStatisticsCpu(
  x: FloatArray,
  g: ChannelGeometry,
  mean: Float64Array,
  variance: Float64Array,
): void {
  const m = g.batch * g.plane;
  mean.fill(0);
  variance.fill(0);
  forEachPlane(g, (c, at, end) => {
    mean[c]! += sum4(x, at, end);
  });
  for (let c = 0; c < g.channels; c++) mean[c]! /= m;
  forEachPlane(g, (c, at, end) => {
    variance[c]! += squares4(x, mean[c]!, at, end);
  });
  for (let c = 0; c < g.channels; c++) variance[c]! /= m;
}

export function batchNormForwardCpu(
  x: FloatArray,
  out: FloatArray,
  g: ChannelGeometry,
  mean: Float64Array,
  scale: Float64Array,
  shift: Float64Array,
): void {
  forEachPlane(g, (c, at, end) => {
    const mu = mean[c]!;
    const k = scale[c]!;
    const t = shift[c]!;
    for (let i = at; i < end; i++) out[i] = (x[i]! - mu) * k + t;
  });
}

export function batchNormBackwardSumsCpu(
  dy: FloatArray,
  x: FloatArray,
  g: ChannelGeometry,
  mean: Float64Array,
  sumDy: Float64Array,
  sumDyXc: Float64Array,
): void {
  sumDy.fill(0);
  sumDyXc.fill(0);
  forEachPlane(g, (c, at, end) => {
    const mu = mean[c]!;
    let sx0 = 0;
    let sx1 = 0;
    let sx2 = 0;
    let sx3 = 0;
    let i = at;
    for (; i + 4 <= end; i += 4) {
      sx0 += dy[i]! * (x[i]! - mu);
      sx1 += dy[i + 1]! * (x[i + 1]! - mu);
      sx2 += dy[i + 2]! * (x[i + 2]! - mu);
      sx3 += dy[i + 3]! * (x[i + 3]! - mu);
    }
    for (; i < end; i++) sx0 += dy[i]! * (x[i]! - mu);
    sumDy[c]! += sum4(dy, at, end);
    sumDyXc[c]! += sx0 + sx1 + (sx2 + sx3);
  });
}

export function batchNormBackwardInputCpu(
  dy: FloatArray,
  x: FloatArray,
  dx: FloatArray,
  g: ChannelGeometry,
  mean: Float64Array,
  dyScale: Float64Array,
  xScale: Float64Array,
  shift: Float64Array,
): void {
  forEachPlane(g, (c, at, end) => {
    const mu = mean[c]!;
    const a = dyScale[c]!;
    const b = xScale[c]!;
    const t = shift[c]!;
    for (let i = at; i < end; i++) dx[i] = dy[i]! * a - (x[i]! - mu) * b - t;
  });
}
