import { PNG } from 'pngjs';
import { readFileForLoad } from '@nabla/io/node';
import { FormatError, NDArray } from '@nabla/tensor';
import { UserError } from './user-error.js';

/** A grayscale picture, row-major, values 0–255. */
export interface GrayImage {
  width: number;
  height: number;
  pixels: Float32Array;
}

/** The most pixels a PNG may have: 2048 × 2048 (a digit needs 28 × 28; a phone photo is refused). */
export const MAX_PNG_PIXELS = 2048 * 2048;
/** The largest PNG file read: 64 MiB. */
export const MAX_PNG_BYTES = 64 * 2 ** 20;

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * A PNG's width and height from its IHDR chunk (bytes 16–23), read before anything is decoded:
 * refuses a file that is not a PNG and one with more than MAX_PNG_PIXELS pixels, so a small file
 * declaring 12000 × 12000 never gets the 576 MB its decoding would take.
 */
export function pngDimensions(bytes: Uint8Array, source: string): { width: number; height: number } {
  if (bytes.length < 24 || PNG_SIGNATURE.some((b, i) => bytes[i] !== b))
    throw new UserError(`${source}: not a readable PNG image (no PNG signature)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, 24);
  if (view.getUint32(12) !== 0x49484452)
    throw new UserError(`${source}: not a readable PNG image (no IHDR chunk first)`);
  const width = view.getUint32(16);
  const height = view.getUint32(20);
  if (width === 0 || height === 0)
    throw new UserError(`${source}: a PNG image of ${width}×${height} pixels is empty`);
  if (width * height > MAX_PNG_PIXELS)
    throw new UserError(
      `${source}: a PNG image of ${width}×${height} pixels is larger than the limit of ${MAX_PNG_PIXELS} pixels (2048×2048); scale it down`,
    );
  return { width, height };
}

/** Reads and decodes a PNG file (a regular file of at most MAX_PNG_BYTES), checking its size first. */
export async function readPng(path: string): Promise<Uint8Array> {
  try {
    return await readFileForLoad(path, { maxBytes: MAX_PNG_BYTES, what: 'PNG image' });
  } catch (e) {
    if (e instanceof FormatError) throw new UserError(e.message);
    throw e;
  }
}

/** Decodes a PNG as 8-bit RGBA, after its dimensions have been checked (pngDimensions). */
export function decodeRgba(
  bytes: Uint8Array,
  source: string,
): { width: number; height: number; data: Uint8Array } {
  const { width, height } = pngDimensions(bytes, source);
  let png: { width: number; height: number; data: Uint8Array };
  try {
    png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (e) {
    throw new UserError(`${source}: not a readable PNG image (${(e as Error).message.slice(0, 120)})`);
  }
  if (png.width !== width || png.height !== height || png.data.length !== 4 * width * height)
    throw new UserError(
      `${source}: not a readable PNG image (its data does not match its ${width}×${height} header)`,
    );
  return png;
}

/** Decodes a PNG (grayscale, RGB, palette, with or without alpha, any bit depth) to gray 0–255. */
export function decodePng(bytes: Uint8Array, source: string): GrayImage {
  const png = decodeRgba(bytes, source);
  const { width, height, data } = png;
  const pixels = new Float32Array(width * height);
  for (let i = 0; i < pixels.length; i++) {
    // pngjs hands every PNG over as 8-bit RGBA. Luma by ITU-R BT.601 (as MNIST-era tools did),
    // and transparency composited over white paper.
    const r = data[4 * i]!;
    const g = data[4 * i + 1]!;
    const b = data[4 * i + 2]!;
    const a = data[4 * i + 3]! / 255;
    pixels[i] = (0.299 * r + 0.587 * g + 0.114 * b) * a + 255 * (1 - a);
  }
  return { width, height, pixels };
}

/**
 * Makes any picture of one digit look like an MNIST digit, by a simple rule:
 * 1. Polarity: MNIST digits are white ink on black. If the picture's border is mostly light
 *    (mean of the outermost pixels above 127), it is dark ink on paper, and is inverted.
 * 2. A 28×28 picture is then taken as it is (it is assumed to be framed like MNIST already).
 * 3. Any other size is framed as MNIST was made: the ink's bounding box (pixels above 1/4 of the
 *    brightest) is scaled, keeping its aspect ratio, so its longer side is 20 pixels (each new pixel
 *    the area-weighted mean of the old ones it covers), and pasted into a black 28×28 square with
 *    its centre of mass at pixel (14, 14), where MNIST's digits have theirs.
 * Returns values in [0, 1], as the network was trained on.
 */
export function toMnistDigit(image: GrayImage): Float32Array {
  const { width, height } = image;
  let pixels = image.pixels;
  if (borderMean(image) > 127) pixels = pixels.map((v) => 255 - v);
  if (width === 28 && height === 28) return pixels.map((v) => v / 255);

  let max = 0;
  for (const v of pixels) max = Math.max(max, v);
  const out = new Float32Array(28 * 28);
  if (max === 0) return out; // A blank picture stays blank: there is no ink to frame.
  let x0 = width;
  let y0 = height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (pixels[y * width + x]! > max / 4) {
        x0 = Math.min(x0, x);
        x1 = Math.max(x1, x);
        y0 = Math.min(y0, y);
        y1 = Math.max(y1, y);
      }
    }
  }
  const boxW = x1 - x0 + 1;
  const boxH = y1 - y0 + 1;
  const scale = 20 / Math.max(boxW, boxH);
  const w = Math.max(1, Math.round(boxW * scale));
  const h = Math.max(1, Math.round(boxH * scale));
  const small = resampleArea(pixels, width, { x: x0, y: y0, w: boxW, h: boxH }, w, h);
  // Centre of mass of the scaled ink, in pixel indices, moved to pixel (14, 14): where MNIST's
  // digits have theirs (their mean is 14.0, 14.0). Clamped so the ink stays inside.
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
  const left = clamp(Math.round(14 - cx / mass), 0, 28 - w);
  const top = clamp(Math.round(14 - cy / mass), 0, 28 - h);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) out[(top + y) * 28 + left + x] = small[y * w + x]! / 255;
  return out;
}

/** The picture as one network input [1, 1, 28, 28]. */
export function pngToDigit(bytes: Uint8Array, source: string): NDArray {
  return new NDArray(toMnistDigit(decodePng(bytes, source)), [1, 1, 28, 28]);
}

function borderMean({ width, height, pixels }: GrayImage): number {
  let sum = 0;
  let count = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (y === 0 || y === height - 1 || x === 0 || x === width - 1) {
        sum += pixels[y * width + x]!;
        count++;
      }
    }
  }
  return sum / count;
}

/**
 * Resamples the box of a picture to w × h: each output pixel is the mean of the input over the
 * rectangle it covers, each input pixel weighted by the area of the overlap (exact box filtering,
 * which also serves for enlarging).
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
      for (let y = Math.floor(ya); y < Math.min(Math.ceil(yb), box.h); y++) {
        const wy = Math.min(yb, y + 1) - Math.max(ya, y);
        for (let x = Math.floor(xa); x < Math.min(Math.ceil(xb), box.w); x++) {
          const wx = Math.min(xb, x + 1) - Math.max(xa, x);
          sum += wx * wy * pixels[(box.y + y) * stride + box.x + x]!;
        }
      }
      // Floating-point ends can land a hair past the box; clamping above drops that sliver.
      out[oy * w + ox] = sum / (sx * sy);
    }
  }
  return out;
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}
