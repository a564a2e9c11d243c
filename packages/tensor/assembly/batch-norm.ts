/**
 * Batch normalization's four passes over an [N, C, plane] float32 buffer (reference/batch-norm-*.ts
 * defines them), four lanes at a time. Per-channel numbers (mean, variance, scales, shifts, sums)
 * are float64 arrays; the element-wise arithmetic runs in float32 with those numbers rounded to
 * float32, and every sum over the batch accumulates in float64 (f64x2, two lanes per half-vector),
 * so a channel of 100,000 values loses no more than a float32 rounding per term.
 */

/** The four lanes of v, widened to float64, as two f64x2 halves. */
function low(v: v128): v128 {
  return f64x2.promote_low_f32x4(v);
}
function high(v: v128): v128 {
  return f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1));
}
function total(a: v128, b: v128): f64 {
  const s = f64x2.add(a, b);
  return f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1);
}

/** Σ x over [at, end) (byte addresses), in float64 (two f64x2 accumulators, in locals). */
export function planeSum(at: usize, end: usize): f64 {
  let a = f64x2.splat(0);
  let b = f64x2.splat(0);
  for (; at + 16 <= end; at += 16) {
    const v = v128.load(at);
    a = f64x2.add(a, low(v));
    b = f64x2.add(b, high(v));
  }
  let s = total(a, b);
  for (; at < end; at += 4) s += <f64>load<f32>(at);
  return s;
}

/** Σ (x − μ)² over [at, end) in float64: the difference and its square in float32, then widened. */
function squaresSum(at: usize, end: usize, mu: f32): f64 {
  const muv = f32x4.splat(mu);
  let a = f64x2.splat(0);
  let b = f64x2.splat(0);
  for (; at + 16 <= end; at += 16) {
    const d = f32x4.sub(v128.load(at), muv);
    const q = f32x4.mul(d, d);
    a = f64x2.add(a, low(q));
    b = f64x2.add(b, high(q));
  }
  let s = total(a, b);
  for (; at < end; at += 4) {
    const d = load<f32>(at) - mu;
    s += <f64>(d * d);
  }
  return s;
}

/** Σ dy·(x − μ) over `bytes` of both planes in float64 (the product in float32, then widened). */
function productSum(dy: usize, x: usize, bytes: usize, mu: f32): f64 {
  const muv = f32x4.splat(mu);
  let a = f64x2.splat(0);
  let b = f64x2.splat(0);
  let i: usize = 0;
  for (; i + 16 <= bytes; i += 16) {
    const q = f32x4.mul(v128.load(dy + i), f32x4.sub(v128.load(x + i), muv));
    a = f64x2.add(a, low(q));
    b = f64x2.add(b, high(q));
  }
  let s = total(a, b);
  for (; i < bytes; i += 4) s += <f64>(load<f32>(dy + i) * (load<f32>(x + i) - mu));
  return s;
}

/** mean[c] = Σ x / m and variance[c] = Σ (x − mean[c])² / m over the batch and the plane (two passes). */
export function batchNormStatistics(
  x: usize,
  batch: i32,
  channels: i32,
  plane: i32,
  mean: usize,
  variance: usize,
): void {
  const m = <f64>batch * <f64>plane;
  const bytes = <usize>plane * 4;
  memory.fill(mean, 0, <usize>channels * 8);
  memory.fill(variance, 0, <usize>channels * 8);
  let at = x;
  for (let n = 0; n < batch; n++) {
    for (let c = 0; c < channels; c++, at += bytes) {
      const p = mean + <usize>c * 8;
      store<f64>(p, load<f64>(p) + planeSum(at, at + bytes));
    }
  }
  for (let c = 0; c < channels; c++) store<f64>(mean + <usize>c * 8, load<f64>(mean + <usize>c * 8) / m);
  at = x;
  for (let n = 0; n < batch; n++) {
    for (let c = 0; c < channels; c++, at += bytes) {
      const s = squaresSum(at, at + bytes, <f32>load<f64>(mean + <usize>c * 8));
      const p = variance + <usize>c * 8;
      store<f64>(p, load<f64>(p) + s);
    }
  }
  for (let c = 0; c < channels; c++)
    store<f64>(variance + <usize>c * 8, load<f64>(variance + <usize>c * 8) / m);
}

/** out = (x − mean[c])·scale[c] + shift[c]. */
export function batchNormForward(
  x: usize,
  out: usize,
  batch: i32,
  channels: i32,
  plane: i32,
  mean: usize,
  scale: usize,
  shift: usize,
): void {
  const bytes = <usize>plane * 4;
  let at: usize = 0;
  for (let n = 0; n < batch; n++) {
    for (let c = 0; c < channels; c++, at += bytes) {
      const mu = <f32>load<f64>(mean + <usize>c * 8);
      const k = <f32>load<f64>(scale + <usize>c * 8);
      const t = <f32>load<f64>(shift + <usize>c * 8);
      const muv = f32x4.splat(mu);
      const kv = f32x4.splat(k);
      const tv = f32x4.splat(t);
      let i: usize = 0;
      for (; i + 16 <= bytes; i += 16) {
        v128.store(out + at + i, f32x4.add(f32x4.mul(f32x4.sub(v128.load(x + at + i), muv), kv), tv));
      }
      for (; i < bytes; i += 4) store<f32>(out + at + i, (load<f32>(x + at + i) - mu) * k + t);
    }
  }
}

/** sumDy[c] = Σ dy and sumDyXc[c] = Σ dy·(x − mean[c]), over the batch and the plane. */
export function batchNormBackwardSums(
  dy: usize,
  x: usize,
  batch: i32,
  channels: i32,
  plane: i32,
  mean: usize,
  sumDy: usize,
  sumDyXc: usize,
): void {
  const bytes = <usize>plane * 4;
  memory.fill(sumDy, 0, <usize>channels * 8);
  memory.fill(sumDyXc, 0, <usize>channels * 8);
  let at: usize = 0;
  for (let n = 0; n < batch; n++) {
    for (let c = 0; c < channels; c++, at += bytes) {
      const p = sumDy + <usize>c * 8;
      store<f64>(p, load<f64>(p) + planeSum(dy + at, dy + at + bytes));
      const s = productSum(dy + at, x + at, bytes, <f32>load<f64>(mean + <usize>c * 8));
      const q = sumDyXc + <usize>c * 8;
      store<f64>(q, load<f64>(q) + s);
    }
  }
}

/** dx = dy·a[c] − (x − mean[c])·b[c] − t[c]. */
export function batchNormBackwardInput(
  dy: usize,
  x: usize,
  dx: usize,
  batch: i32,
  channels: i32,
  plane: i32,
  mean: usize,
  a: usize,
  b: usize,
  t: usize,
): void {
  const bytes = <usize>plane * 4;
  let at: usize = 0;
  for (let n = 0; n < batch; n++) {
    for (let c = 0; c < channels; c++, at += bytes) {
      const mu = <f32>load<f64>(mean + <usize>c * 8);
      const ka = <f32>load<f64>(a + <usize>c * 8);
      const kb = <f32>load<f64>(b + <usize>c * 8);
      const kt = <f32>load<f64>(t + <usize>c * 8);
      const muv = f32x4.splat(mu);
      const av = f32x4.splat(ka);
      const bv = f32x4.splat(kb);
      const tv = f32x4.splat(kt);
      let i: usize = 0;
      for (; i + 16 <= bytes; i += 16) {
        const g = f32x4.mul(v128.load(dy + at + i), av);
        const h = f32x4.mul(f32x4.sub(v128.load(x + at + i), muv), bv);
        v128.store(dx + at + i, f32x4.sub(f32x4.sub(g, h), tv));
      }
      for (; i < bytes; i += 4) {
        store<f32>(dx + at + i, load<f32>(dy + at + i) * ka - (load<f32>(x + at + i) - mu) * kb - kt);
      }
    }
  }
}
