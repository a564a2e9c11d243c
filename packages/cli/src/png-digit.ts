import { checkPngDataSize, frameMnistDigit, MNIST_SIDE } from '@nabla/data';
import { readFileForLoad } from '@nabla/io/node';
import { FormatError, NDArray } from '@nabla/tensor';
import { convertIndexedToRgb, decode } from 'fast-png';
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

/** Reads a PNG file (a regular file of at most MAX_PNG_BYTES), checking its size first. */
export async function readPng(path: string): Promise<Uint8Array> {
  try {
    return await readFileForLoad(path, { maxBytes: MAX_PNG_BYTES, what: 'PNG image' });
  } catch (e) {
    if (e instanceof FormatError) throw new UserError(e.message);
    throw e;
  }
}

/** A picture as 8-bit RGBA, row-major (what a canvas's ImageData holds). */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8Array;
}

/**
 * Decodes a PNG of any colour type (grayscale, RGB, palette, with or without alpha) and any bit
 * depth (1–16) to 8-bit RGBA, with fast-png (which also runs in browsers), after its dimensions
 * have been checked against MAX_PNG_PIXELS (pngDimensions).
 */
export function decodePngRgba(bytes: Uint8Array, source: string): RgbaImage {
  const declared = pngDimensions(bytes, source);
  try {
    checkPngDataSize(bytes, source);
  } catch (e) {
    if (e instanceof FormatError) throw new UserError(e.message);
    throw e;
  }
  let png: ReturnType<typeof decode>;
  let samples: ArrayLike<number>;
  try {
    png = decode(bytes);
    samples = png.palette ? convertIndexedToRgb(png) : unpackSamples(png);
  } catch (e) {
    throw new UserError(`${source}: not a readable PNG image (${(e as Error).message.slice(0, 120)})`);
  }
  const { width, height } = png;
  if (width !== declared.width || height !== declared.height)
    throw new UserError(
      `${source}: not a readable PNG image (its data does not match its ${declared.width}×${declared.height} header)`,
    );
  // A palette expands to its entries' channels (3, or 4 with tRNS); otherwise the PNG's own.
  const channels = png.palette ? png.palette[0]!.length : png.channels;
  const max = png.palette ? 255 : 2 ** png.depth - 1;
  const data = new Uint8Array(4 * width * height);
  for (let i = 0; i < width * height; i++) {
    const at = (k: number) => Math.round((255 * samples[channels * i + k]!) / max);
    const [r, g, b, a] =
      channels === 1
        ? [at(0), at(0), at(0), 255]
        : channels === 2
          ? [at(0), at(0), at(0), at(1)]
          : channels === 3
            ? [at(0), at(1), at(2), 255]
            : [at(0), at(1), at(2), at(3)];
    data.set([r, g, b, a], 4 * i);
  }
  return { width, height, data };
}

/** The samples of a non-palette PNG, one number per channel: fast-png leaves depths below 8 packed. */
function unpackSamples(png: ReturnType<typeof decode>): ArrayLike<number> {
  const { width, height, channels, depth, data } = png;
  if (depth >= 8) return data;
  // Rows start on a byte boundary; within a byte, the first sample is in the highest bits.
  const perRow = width * channels;
  const rowBytes = Math.ceil((perRow * depth) / 8);
  const out = new Uint8Array(perRow * height);
  const mask = (1 << depth) - 1;
  for (let y = 0; y < height; y++) {
    for (let s = 0; s < perRow; s++) {
      const bit = s * depth;
      out[y * perRow + s] = (data[y * rowBytes + (bit >> 3)]! >> (8 - depth - (bit & 7))) & mask;
    }
  }
  return out;
}

/** Decodes a PNG to gray 0–255: luma by ITU-R BT.601 (as MNIST-era tools did), transparency over white paper. */
export function decodePng(bytes: Uint8Array, source: string): GrayImage {
  const { width, height, data } = decodePngRgba(bytes, source);
  const pixels = new Float32Array(width * height);
  for (let i = 0; i < pixels.length; i++) {
    const a = data[4 * i + 3]! / 255;
    const luma = 0.299 * data[4 * i]! + 0.587 * data[4 * i + 1]! + 0.114 * data[4 * i + 2]!;
    pixels[i] = luma * a + 255 * (1 - a);
  }
  return { width, height, pixels };
}

/**
 * Makes any picture of one digit look like an MNIST digit:
 * 1. Polarity: MNIST digits are white ink on black. If the picture's border is mostly light
 *    (mean of the outermost pixels above 127), it is dark ink on paper, and is inverted.
 * 2. A 28×28 picture is then taken as it is (it is assumed to be framed like MNIST already).
 * 3. Any other size is framed as MNIST was made, by `frameMnistDigit` from @nabla/data (the same
 *    function the playground frames its canvas with): the ink's bounding box scaled to 20 pixels
 *    on its longer side and its centre of mass placed at pixel (14, 14).
 * Returns values in [0, 1], as the network was trained on.
 */
export function toMnistDigit(image: GrayImage): Float32Array {
  const { width, height } = image;
  let pixels = image.pixels;
  if (borderMean(image) > 127) pixels = pixels.map((v) => 255 - v);
  const ink = pixels.map((v) => v / 255);
  if (width === MNIST_SIDE && height === MNIST_SIDE) return ink;
  // A blank picture stays blank: there is no ink to frame.
  return frameMnistDigit({ values: ink, width, height }) ?? new Float32Array(MNIST_SIDE * MNIST_SIDE);
}

/** The picture as one network input [1, 1, 28, 28]. */
export function pngToDigit(bytes: Uint8Array, source: string): NDArray {
  return new NDArray(toMnistDigit(decodePng(bytes, source)), [1, 1, MNIST_SIDE, MNIST_SIDE]);
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
