import { ValueError } from '@nabla/tensor';

/**
 * A separable Gaussian blur of every H×W plane of `data` (planes laid one after another), in
 * place, with the borders clamped. In activation maximization it is the smoothness prior of
 * Yosinski et al. (2015, "Understanding neural networks through deep visualization"): the pixel
 * pattern that most excites a unit is mostly high-frequency noise, and blurring a little after
 * each step keeps only the structure that survives.
 */
export function gaussianBlur(data: Float32Array, height: number, width: number, sigma: number): void {
  if (!(sigma >= 0)) throw new ValueError('gaussianBlur', `sigma must be >= 0, got ${sigma}`);
  if (sigma === 0) return;
  const plane = height * width;
  if (data.length % plane !== 0) {
    throw new ValueError('gaussianBlur', `${data.length} values are not whole ${height}×${width} planes`);
  }
  const radius = Math.max(1, Math.ceil(3 * sigma));
  const kernel = new Float32Array(2 * radius + 1);
  let total = 0;
  for (let i = -radius; i <= radius; i++) {
    kernel[i + radius] = Math.exp(-(i * i) / (2 * sigma * sigma));
    total += kernel[i + radius]!;
  }
  for (let i = 0; i < kernel.length; i++) kernel[i]! /= total;
  const tmp = new Float32Array(plane);
  for (let p = 0; p < data.length; p += plane) {
    // Along rows, into tmp; then along columns, back into data.
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        let s = 0;
        for (let k = -radius; k <= radius; k++) {
          const xx = Math.min(width - 1, Math.max(0, x + k));
          s += kernel[k + radius]! * data[p + y * width + xx]!;
        }
        tmp[y * width + x] = s;
      }
    }
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        let s = 0;
        for (let k = -radius; k <= radius; k++) {
          const yy = Math.min(height - 1, Math.max(0, y + k));
          s += kernel[k + radius]! * tmp[yy * width + x]!;
        }
        data[p + y * width + x] = s;
      }
    }
  }
}
