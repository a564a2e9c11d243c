/**
 * Half-precision conversions. PyTorch users save weights in float16 (IEEE binary16: 1 sign, 5
 * exponent, 10 fraction bits) and bfloat16 (the top 16 bits of a float32); Nabla computes in float32,
 * so we widen them on load (exact: every half value is a float32) and round on save.
 */

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The float32 value of binary16 bits. */
export function float16ToFloat32(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >>> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24; // zero and subnormals: fraction × 2^-14 / 2^10
  if (exponent === 0x1f) return fraction === 0 ? sign * Number.POSITIVE_INFINITY : Number.NaN;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/**
 * binary16 bits for a number, rounded to nearest with ties to even (as PyTorch's `.half()`), via its
 * float32 value; overflow goes to ±Infinity, NaN stays NaN.
 */
export function float32ToFloat16(value: number): number {
  f32[0] = value;
  const x = u32[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exponent = (x >>> 23) & 0xff;
  let fraction = x & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (fraction ? 0x200 : 0);
  const e = exponent - 127 + 15; // rebias
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    // Subnormal half (or zero): shift the fraction, with its implicit 1, right by 14 - e places.
    if (e < -10) return sign;
    fraction |= 0x800000;
    const shift = 14 - e;
    let half = fraction >>> shift;
    const rest = fraction & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    if (rest > halfway || (rest === halfway && half & 1)) half++;
    return sign | half;
  }
  let half = (e << 10) | (fraction >>> 13);
  const rest = fraction & 0x1fff;
  // Rounding up may carry into the exponent, and from the largest finite value into Infinity: both
  // are the right answer, because the bits are laid out so that +1 is the next representable value.
  if (rest > 0x1000 || (rest === 0x1000 && half & 1)) half++;
  return sign | half;
}

/** The float32 value of bfloat16 bits: they are the high half of a float32. */
export function bfloat16ToFloat32(bits: number): number {
  u32[0] = (bits & 0xffff) << 16;
  return f32[0]!;
}

/** bfloat16 bits for a number: its float32 bits rounded to the top 16, to nearest, ties to even. */
export function float32ToBfloat16(value: number): number {
  f32[0] = value;
  const x = u32[0]!;
  if ((x & 0x7f800000) === 0x7f800000 && x & 0x7fffff) return ((x >>> 16) | 0x40) & 0xffff; // keep NaN a NaN
  const rounded = x + 0x7fff + ((x >>> 16) & 1);
  return (rounded >>> 16) & 0xffff;
}
