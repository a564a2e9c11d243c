import { Unzlib } from 'fflate';
import { convertIndexedToRgb, decode as decodePng, type DecodedPng } from 'fast-png';
import { decode as decodeJpeg } from 'jpeg-js';
import { FormatError } from '@nabla/tensor';

/**
 * PNG and JPEG pictures to pixels, with well-kept decoders that also run in browsers (fast-png,
 * jpeg-js). The size is read from the header first and refused above the limits below, so a
 * hostile file cannot make the decoder allocate gigabytes.
 */

/** The longest side accepted (pixels). */
export const MAX_IMAGE_SIDE = 16_384;
/** The most pixels accepted: 64 megapixels (a 8000×8000 photograph). */
export const MAX_IMAGE_PIXELS = 64_000_000;

/** What the first bytes of a PNG or JPEG say about it, read by {@link imageHeader} without decoding. */
export interface ImageHeader {
  /** The file format, from its signature. */
  format: 'png' | 'jpeg';
  /** Width in pixels (≥ 1). */
  width: number;
  /** Height in pixels (≥ 1). */
  height: number;
  /** 1 (grayscale) or 3 (color), after an alpha channel is dropped. */
  channels: 1 | 3;
}

/** 8-bit pixels, rows of width × channels values (interleaved, as in the file). */
export interface DecodedImage extends ImageHeader {
  /** height × width × channels bytes, row-major, channels interleaved, each 0 … 255. */
  data: Uint8Array;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** The format, size and channel count from the first bytes of a PNG or JPEG, without decoding. */
export function imageHeader(bytes: Uint8Array, name: string): ImageHeader {
  let header: ImageHeader;
  if (PNG_SIGNATURE.every((b, i) => bytes[i] === b)) header = pngHeader(bytes, name);
  else if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) header = jpegHeader(bytes, name);
  else throw new FormatError(name, 'not a PNG or JPEG image');
  const { width, height } = header;
  if (width < 1 || height < 1) throw new FormatError(name, `the image is ${width}×${height}`);
  if (width > MAX_IMAGE_SIDE || height > MAX_IMAGE_SIDE || width * height > MAX_IMAGE_PIXELS)
    throw new FormatError(
      name,
      `the image is ${width}×${height}, over the limit (${MAX_IMAGE_SIDE} pixels a side, ${MAX_IMAGE_PIXELS / 1e6} megapixels)`,
    );
  return header;
}

function pngHeader(bytes: Uint8Array, name: string): ImageHeader {
  // IHDR is the first chunk: length(4) 'IHDR'(4) width(4) height(4) depth(1) colorType(1) …
  if (bytes.length < 33 || String.fromCharCode(...bytes.subarray(12, 16)) !== 'IHDR')
    throw new FormatError(name, 'a PNG without its IHDR header (truncated?)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const colorType = bytes[25]!;
  const channels =
    colorType === 0 || colorType === 4 ? 1 : colorType === 2 || colorType === 3 || colorType === 6 ? 3 : 0;
  if (channels === 0) throw new FormatError(name, `PNG color type ${colorType} is not valid`);
  return { format: 'png', width: view.getUint32(16), height: view.getUint32(20), channels };
}

function jpegHeader(bytes: Uint8Array, name: string): ImageHeader {
  // Walk the marker segments to the frame header (SOFn): precision(1) height(2) width(2) components(1).
  let at = 2;
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) throw new FormatError(name, `a JPEG with a broken marker at byte ${at}`);
    const marker = bytes[at + 1]!;
    if (marker === 0xff) {
      at++;
      continue;
    }
    const length = (bytes[at + 2]! << 8) | bytes[at + 3]!;
    const isFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isFrame) {
      if (at + 10 > bytes.length) break;
      const height = (bytes[at + 5]! << 8) | bytes[at + 6]!;
      const width = (bytes[at + 7]! << 8) | bytes[at + 8]!;
      const components = bytes[at + 9]!;
      if (components !== 1 && components !== 3)
        throw new FormatError(
          name,
          `a JPEG with ${components} color components (CMYK?); Nabla reads grayscale and RGB`,
        );
      return { format: 'jpeg', width, height, channels: components };
    }
    if (marker === 0xda) break; // image data before any frame header
    at += 2 + length;
  }
  throw new FormatError(name, 'a JPEG without a frame header (truncated?)');
}

/**
 * Refuses a PNG whose compressed pixel data (its IDAT chunks, one zlib stream) would inflate to more
 * than its header's width × height × bit depth can hold — a decompression bomb (a 1×1 image whose
 * IDAT inflates to 512 MiB) — before a decoder inflates it whole. The stream is inflated here in
 * 4 KB pieces, counting and discarding the output, so the check itself holds at most one piece's
 * output (≤ 4 MB at deflate's largest ratio) in memory. Also refuses a PNG without an IHDR first or without an IDAT.
 */
export function checkPngDataSize(bytes: Uint8Array, name: string): void {
  if (bytes.length < 33 || String.fromCharCode(...bytes.subarray(12, 16)) !== 'IHDR')
    throw new FormatError(name, 'a PNG without its IHDR header (truncated?)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const width = view.getUint32(16);
  const height = view.getUint32(20);
  const depth = bytes[24]!;
  const samples = ({ 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 } as Record<number, number>)[bytes[25]!] ?? 4;
  // Each row is a filter byte and its packed samples; Adam7 interlacing adds at most a filter byte
  // per row of each of its 7 passes and a partial byte per pass row.
  const rowBytes = 1 + Math.ceil((width * samples * depth) / 8);
  const limit = height * rowBytes + 14 * (height + 7) + 1024;
  let inflated = 0;
  const unzlib = new Unzlib((chunk) => {
    inflated += chunk.length;
    if (inflated > limit)
      throw new FormatError(
        name,
        `its pixel data inflates past ${limit} bytes, more than a ${width}×${height} image holds (a decompression bomb?)`,
      );
  });
  let at = 8;
  let sawData = false;
  try {
    while (at + 8 <= bytes.length) {
      const length = view.getUint32(at);
      const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
      const end = Math.min(bytes.length, at + 8 + length);
      if (type === 'IDAT') {
        sawData = true;
        for (let p = at + 8; p < end; p += 4096) unzlib.push(bytes.subarray(p, Math.min(end, p + 4096)));
      } else if (type === 'IEND') break;
      at = end + 4; // the chunk's CRC
    }
  } catch (e) {
    if (e instanceof FormatError) throw e;
    throw new FormatError(name, `cannot decode the PNG image: ${(e as Error).message}`);
  }
  if (!sawData) throw new FormatError(name, 'a PNG without pixel data (no IDAT chunk)');
}

/**
 * Decodes a PNG (any bit depth, palette, gray/alpha) or a baseline/progressive JPEG into 8-bit
 * pixels with 1 or 3 channels (alpha dropped, 16-bit scaled to 8). Refuses with the file named.
 */
export function decodeImage(bytes: Uint8Array, name: string): DecodedImage {
  const header = imageHeader(bytes, name);
  const { width, height, channels } = header;
  try {
    if (header.format === 'jpeg') {
      const img = decodeJpeg(bytes, {
        useTArray: true,
        formatAsRGBA: false,
        tolerantDecoding: false,
        maxResolutionInMP: MAX_IMAGE_PIXELS / 1e6,
        maxMemoryUsageInMB: 1024,
      });
      if (img.width !== width || img.height !== height)
        throw new Error(`decoded ${img.width}×${img.height}, the header says ${width}×${height}`);
      if (channels === 3) return { ...header, data: img.data };
      const gray = new Uint8Array(width * height);
      for (let i = 0; i < gray.length; i++) gray[i] = img.data[3 * i]!;
      return { ...header, data: gray };
    }
    checkPngDataSize(bytes, name);
    const png = decodePng(bytes);
    return { ...header, data: pngPixels(png, channels) };
  } catch (e) {
    if (e instanceof FormatError) throw e;
    throw new FormatError(
      name,
      `cannot decode the ${header.format.toUpperCase()} image: ${(e as Error).message}`,
    );
  }
}

function pngPixels(png: DecodedPng, channels: 1 | 3): Uint8Array {
  const n = png.width * png.height;
  if (png.palette) {
    const rgb = convertIndexedToRgb(png);
    const per = rgb.length / n;
    const out = new Uint8Array(3 * n);
    for (let i = 0; i < n; i++) for (let c = 0; c < 3; c++) out[3 * i + c] = rgb[per * i + c]!;
    return out;
  }
  const max = 2 ** png.depth - 1;
  const src = png.data;
  const out = new Uint8Array(channels * n);
  for (let i = 0; i < n; i++)
    for (let c = 0; c < channels; c++)
      out[channels * i + c] = Math.round((src[png.channels * i + c]! * 255) / max);
  return out;
}
