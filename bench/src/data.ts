/** Deterministic inputs for the bench (xorshift32 in [-1, 1)): every library sees the same numbers. */
export function randomFloats(length: number, seed = 1): Float32Array {
  const out = new Float32Array(length);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = (s >>> 0) / 2 ** 31 - 1;
  }
  return out;
}

/** Class labels 0..classes-1, deterministic. */
export function randomLabels(length: number, classes: number, seed = 7): Int32Array {
  const u = randomFloats(length, seed);
  return Int32Array.from(u, (v) => Math.min(classes - 1, Math.floor(((v + 1) / 2) * classes)));
}

/** NCHW → NHWC, for TF.js. */
export function nchwToNhwc(x: Float32Array, n: number, c: number, h: number, w: number): Float32Array {
  const out = new Float32Array(x.length);
  for (let b = 0; b < n; b++)
    for (let ch = 0; ch < c; ch++)
      for (let i = 0; i < h * w; i++) out[(b * h * w + i) * c + ch] = x[(b * c + ch) * h * w + i]!;
  return out;
}

/** Filter [Co, Ci, kh, kw] → TF.js's [kh, kw, Ci, Co]. */
export function oihwToHwio(wt: Float32Array, co: number, ci: number, kh: number, kw: number): Float32Array {
  const out = new Float32Array(wt.length);
  for (let o = 0; o < co; o++)
    for (let c = 0; c < ci; c++)
      for (let u = 0; u < kh * kw; u++) out[(u * ci + c) * co + o] = wt[(o * ci + c) * kh * kw + u]!;
  return out;
}
