import { ValueError } from '@nabla/tensor';

/**
 * A picture of one digit made to look like an MNIST digit, the way LeCun, Cortes and Burges describe
 * MNIST's preparation: the digit's bounding box is size-normalized to fit a 20×20 box (aspect ratio
 * kept; grey levels come from the area averaging), then placed in a 28×28 field so that its centre
 * of mass sits at pixel (14, 14). A network trained on MNIST sees digits prepared this way; a raw
 * drawing squeezed to 28×28 is not one. The CLI (`nabla classify`, a PNG) and the playground (a
 * canvas) both frame through this one function, so the same picture gives the same input.
 */

/** Side of MNIST's images, in pixels. */
export const MNIST_SIDE = 28;
/** Side of the box MNIST's digits were scaled to fit, in pixels. */
export const MNIST_BOX = 20;

/** A picture as ink per pixel, row-major: 0 is background, 1 a full stroke. */
export interface Ink {
  /** Ink per pixel in [0, 1], row-major, `width × height` values. */
  values: Float32Array;
  /** Columns. */
  width: number;
  /** Rows. */
  height: number;
}

/** Options of {@link frameMnistDigit}. */
export interface FrameMnistDigitOptions {
  /**
   * Pixels with less ink than this fraction of the picture's strongest ink are background when the
   * bounding box is found (a canvas's smoothing and a scan's paper grain leave faint pixels that
   * would otherwise widen it). 0.05 by default.
   */
  threshold?: number;
}

/**
 * The digit framed like MNIST: 28×28 ink values in [0, 1], row-major, ready for `[1, 1, 28, 28]`;
 * `null` when the picture holds no ink at all.
 */
export function frameMnistDigit(ink: Ink, options: FrameMnistDigitOptions = {}): Float32Array | null {
  const { values, width, height } = ink;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new ValueError('frameMnistDigit', `the picture must be at least 1×1, got ${width}×${height}`);
  }
  if (values.length !== width * height) {
    throw new ValueError('frameMnistDigit', `${values.length} values for a ${width}×${height} picture`);
  }
  const fraction = options.threshold ?? 0.05;
  let max = 0;
  for (const v of values) if (v > max) max = v;
  if (!(max > 0)) return null;
  const box = boundingBox(ink, fraction * max);
  if (!box) return null;
  const bw = box.right - box.left;
  const bh = box.bottom - box.top;
  // The longer side becomes 20 pixels; the shorter keeps the aspect ratio (at least one pixel).
  const scale = MNIST_BOX / Math.max(bw, bh);
  const w = Math.max(1, Math.round(bw * scale));
  const h = Math.max(1, Math.round(bh * scale));
  const small = resampleArea(values, width, { x: box.left, y: box.top, w: bw, h: bh }, w, h);
  // Centre of mass of the scaled ink, in pixel indices; MNIST's digits have theirs at (14.0, 14.0)
  // on average. The whole-pixel shift is clamped so that no ink leaves the 28×28 field.
  let mass = 0;
  let cx = 0;
  let cy = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const v = small[y * w + x]!;
      mass += v;
      cx += v * x;
      cy += v * y;
    }
  }
  const left = clamp(Math.round(MNIST_SIDE / 2 - cx / mass), 0, MNIST_SIDE - w);
  const top = clamp(Math.round(MNIST_SIDE / 2 - cy / mass), 0, MNIST_SIDE - h);
  const out = new Float32Array(MNIST_SIDE * MNIST_SIDE);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) out[(top + y) * MNIST_SIDE + left + x] = Math.min(1, small[y * w + x]!);
  }
  return out;
}

/**
 * The smallest rectangle [left, right) × [top, bottom) holding every pixel with at least
 * `threshold` ink; `null` when there is none.
 */
export function boundingBox(
  ink: Ink,
  threshold: number,
): {
  /** The first inked column. */
  left: number;
  /** The first inked row. */
  top: number;
  /** One past the last inked column. */
  right: number;
  /** One past the last inked row. */
  bottom: number;
} | null {
  const { values, width, height } = ink;
  let left = width;
  let top = height;
  let right = -1;
  let bottom = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (!(values[y * width + x]! >= threshold)) continue;
      if (x < left) left = x;
      if (x > right) right = x;
      if (y < top) top = y;
      if (y > bottom) bottom = y;
    }
  }
  return right < 0 ? null : { left, top, right: right + 1, bottom: bottom + 1 };
}

/**
 * Resamples a box of a picture to w × h: each output pixel is the mean of the input over the
 * rectangle it covers, each input pixel weighted by the area of the overlap (exact box filtering,
 * which also serves for enlarging). `stride` is the picture's row length.
 */
export function resampleArea(
  pixels: Float32Array,
  stride: number,
  box: { x: number; y: number; w: number; h: number },
  w: number,
  h: number,
): Float32Array {
  const out = new Float32Array(w * h);
  const sx = box.w / w;
  const sy = box.h / h;
  for (let oy = 0; oy < h; oy++) {
    const ya = oy * sy;
    const yb = ya + sy;
    for (let ox = 0; ox < w; ox++) {
      const xa = ox * sx;
      const xb = xa + sx;
      let sum = 0;
      // Floating-point ends can land a hair past the box; the loop bounds drop that sliver.
      for (let y = Math.floor(ya); y < Math.min(Math.ceil(yb), box.h); y++) {
        const wy = Math.min(yb, y + 1) - Math.max(ya, y);
        for (let x = Math.floor(xa); x < Math.min(Math.ceil(xb), box.w); x++) {
          const wx = Math.min(xb, x + 1) - Math.max(xa, x);
          sum += wx * wy * pixels[(box.y + y) * stride + box.x + x]!;
        }
      }
      out[oy * w + ox] = sum / (sx * sy);
    }
  }
  return out;
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}
