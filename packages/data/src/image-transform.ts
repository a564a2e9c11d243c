import { type Random, ValueError } from '@nabla/tensor';

/**
 * Matlab's imageDataAugmenter, the subset the course uses: each time an image is read for
 * training it is, at random, mirrored left–right, shifted and scaled about its centre, then
 * sampled back onto the same grid (bilinear, 0 outside: Matlab's FillValue 0).
 */
export interface ImageAugmentation {
  /** RandXReflection: mirror left–right with probability ½. */
  randXReflection?: boolean;
  /** RandXTranslation [min, max] in pixels (uniform). */
  randXTranslation?: [number, number];
  /** RandYTranslation [min, max] in pixels (uniform). */
  randYTranslation?: [number, number];
  /** RandScale [min, max] (uniform): 1.2 enlarges the content by 20%. */
  randScale?: [number, number];
}

export function checkAugmentation(a: ImageAugmentation): void {
  for (const key of ['randXTranslation', 'randYTranslation', 'randScale'] as const) {
    const r = a[key];
    if (r === undefined) continue;
    if (!Array.isArray(r) || r.length !== 2 || !r.every(Number.isFinite) || r[0] > r[1])
      throw new ValueError(
        'imageDataAugmenter',
        `${key} must be [min, max] with min <= max, got ${JSON.stringify(r)}`,
      );
  }
  if (a.randScale && !(a.randScale[0] > 0))
    throw new ValueError('imageDataAugmenter', `randScale must be positive, got [${a.randScale.join(', ')}]`);
}

export const hasAugmentation = (a: ImageAugmentation | undefined): boolean =>
  !!a && (!!a.randXReflection || !!a.randXTranslation || !!a.randYTranslation || !!a.randScale);

/**
 * Bilinear sample of one channel plane at (x, y) in pixel-centre coordinates; 0 outside the image.
 */
function sample(src: Float32Array, base: number, h: number, w: number, x: number, y: number): number {
  const x0 = Math.floor(x);
  const y0 = Math.floor(y);
  const fx = x - x0;
  const fy = y - y0;
  let v = 0;
  for (let dy = 0; dy <= 1; dy++) {
    const wy = dy === 0 ? 1 - fy : fy;
    const yy = y0 + dy;
    if (wy === 0 || yy < 0 || yy >= h) continue;
    for (let dx = 0; dx <= 1; dx++) {
      const wx = dx === 0 ? 1 - fx : fx;
      const xx = x0 + dx;
      if (wx === 0 || xx < 0 || xx >= w) continue;
      v += wy * wx * src[base + yy * w + xx]!;
    }
  }
  return v;
}

/**
 * Resizes a [C, H, W] image to [C, outH, outW] by bilinear interpolation with pixel centres
 * aligned (output pixel i samples input x = (i + ½)·W/outW − ½, clamped to the edge), as
 * Matlab's imresize(…, 'bilinear') without antialiasing and PyTorch's align_corners=False.
 */
export function resizeBilinear(
  src: Float32Array,
  c: number,
  h: number,
  w: number,
  outH: number,
  outW: number,
): Float32Array {
  const out = new Float32Array(c * outH * outW);
  if (h === outH && w === outW) {
    out.set(src.subarray(0, c * h * w));
    return out;
  }
  const clamp = (v: number, max: number) => Math.min(Math.max(v, 0), max);
  for (let ch = 0; ch < c; ch++) {
    for (let i = 0; i < outH; i++) {
      const y = clamp(((i + 0.5) * h) / outH - 0.5, h - 1);
      for (let j = 0; j < outW; j++) {
        const x = clamp(((j + 0.5) * w) / outW - 0.5, w - 1);
        out[(ch * outH + i) * outW + j] = sample(src, ch * h * w, h, w, x, y);
      }
    }
  }
  return out;
}

/**
 * One random draw of the augmentation applied in place to a [C, H, W] image: the output pixel at
 * (x, y) (centred coordinates) shows the input at ((±x − tx)/s, (y − ty)/s), ± the reflection.
 * The draws come from `generator` in a fixed order (reflection, scale, x shift, y shift).
 */
export function augmentImage(
  img: Float32Array,
  c: number,
  h: number,
  w: number,
  a: ImageAugmentation,
  generator: Random,
): void {
  const reflect = a.randXReflection ? generator.uniform() < 0.5 : false;
  const s = a.randScale ? generator.uniformRange(a.randScale[0], a.randScale[1]) : 1;
  const tx = a.randXTranslation ? generator.uniformRange(a.randXTranslation[0], a.randXTranslation[1]) : 0;
  const ty = a.randYTranslation ? generator.uniformRange(a.randYTranslation[0], a.randYTranslation[1]) : 0;
  if (!reflect && s === 1 && tx === 0 && ty === 0) return;
  const src = img.slice(0, c * h * w);
  const cx = (w - 1) / 2;
  const cy = (h - 1) / 2;
  for (let ch = 0; ch < c; ch++) {
    for (let i = 0; i < h; i++) {
      const y = (i - cy - ty) / s + cy;
      for (let j = 0; j < w; j++) {
        const xc = (j - cx - tx) / s;
        const x = (reflect ? -xc : xc) + cx;
        img[(ch * h + i) * w + j] = sample(src, ch * h * w, h, w, x, y);
      }
    }
  }
}
