/**
 * A drawing made MNIST-like, the way LeCun, Cortes and Burges describe MNIST's preparation: the
 * digit's bounding box is size-normalized to fit a 20×20 box (aspect ratio kept, grey levels from
 * anti-aliasing), then placed in a 28×28 field so that its centre of mass sits at the centre.
 * The network was trained on digits prepared this way; a raw canvas squeezed to 28×28 is not one.
 */

/** Side of MNIST's images. */
export const MNIST_SIDE = 28;
/** Side of the box MNIST's digits were scaled to fit. */
export const MNIST_BOX = 20;

export interface Ink {
  /** Ink per pixel in [0, 1], row-major (0 = background, 1 = full stroke). */
  values: Float32Array;
  width: number;
  height: number;
}

/**
 * 28×28 ink in [0, 1], row-major, ready for `[1, 1, 28, 28]`; `null` when nothing was drawn.
 * Pixels below `threshold` count as background when finding the bounding box (canvas smoothing
 * leaves faint edges that would otherwise widen it).
 */
export function mnistFromInk(ink: Ink, threshold = 0.05): Float32Array | null {
  const { values, width, height } = ink;
  if (values.length !== width * height) {
    throw new Error(`mnistFromInk: ${values.length} values for a ${width}×${height} image`);
  }
  const box = boundingBox(ink, threshold);
  if (!box) return null;
  const bw = box.right - box.left;
  const bh = box.bottom - box.top;
  // Scale so the longer side becomes 20 pixels; the shorter keeps the aspect ratio (at least 1 pixel).
  const scale = MNIST_BOX / Math.max(bw, bh);
  const ow = Math.max(1, Math.round(bw * scale));
  const oh = Math.max(1, Math.round(bh * scale));
  const rows = areaWeights(box.top, bh, oh);
  const cols = areaWeights(box.left, bw, ow);
  const small = new Float32Array(ow * oh);
  // Separable area averaging: every output pixel is the mean of the source area it covers.
  const tmp = new Float32Array(oh * width);
  for (let y = 0; y < oh; y++) {
    for (const [sy, wy] of rows[y]!) {
      const src = sy * width;
      for (let x = box.left; x < box.right; x++) tmp[y * width + x] += wy * values[src + x]!;
    }
  }
  for (let y = 0; y < oh; y++) {
    for (let x = 0; x < ow; x++) {
      let s = 0;
      for (const [sx, wx] of cols[x]!) s += wx * tmp[y * width + sx]!;
      small[y * ow + x] = Math.min(1, s);
    }
  }
  // Centre of mass of the scaled digit in pixel indices: in MNIST's training set its mean is (14.0, 14.0).
  let mass = 0;
  let cx = 0;
  let cy = 0;
  for (let y = 0; y < oh; y++) {
    for (let x = 0; x < ow; x++) {
      const v = small[y * ow + x]!;
      mass += v;
      cx += v * x;
      cy += v * y;
    }
  }
  cx /= mass;
  cy /= mass;
  // Whole-pixel shift that brings the centre of mass to pixel (14, 14), where MNIST puts it.
  const dx = Math.round(MNIST_SIDE / 2 - cx);
  const dy = Math.round(MNIST_SIDE / 2 - cy);
  const out = new Float32Array(MNIST_SIDE * MNIST_SIDE);
  for (let y = 0; y < oh; y++) {
    const ty = y + dy;
    if (ty < 0 || ty >= MNIST_SIDE) continue;
    for (let x = 0; x < ow; x++) {
      const tx = x + dx;
      if (tx < 0 || tx >= MNIST_SIDE) continue;
      out[ty * MNIST_SIDE + tx] = small[y * ow + x]!;
    }
  }
  return out;
}

/** The smallest rectangle [left, right) × [top, bottom) holding every pixel at or above threshold. */
export function boundingBox(
  ink: Ink,
  threshold: number,
): { left: number; top: number; right: number; bottom: number } | null {
  const { values, width, height } = ink;
  let left = width;
  let top = height;
  let right = -1;
  let bottom = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (values[y * width + x]! < threshold) continue;
      if (x < left) left = x;
      if (x > right) right = x;
      if (y < top) top = y;
      if (y > bottom) bottom = y;
    }
  }
  return right < 0 ? null : { left, top, right: right + 1, bottom: bottom + 1 };
}

/**
 * For each of `n` output cells spanning source pixels [start, start + length), the source pixels
 * it overlaps and their weights (overlap / cell size, so each cell's weights sum to 1).
 */
function areaWeights(start: number, length: number, n: number): [number, number][][] {
  const cell = length / n;
  const out: [number, number][][] = [];
  for (let i = 0; i < n; i++) {
    const a = start + i * cell;
    const b = a + cell;
    const weights: [number, number][] = [];
    for (let s = Math.floor(a); s < Math.ceil(b); s++) {
      const overlap = Math.min(b, s + 1) - Math.max(a, s);
      if (overlap > 0) weights.push([s, overlap / cell]);
    }
    out.push(weights);
  }
  return out;
}
