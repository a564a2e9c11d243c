import { formatShape, type NDArray, ShapeError, ValueError } from '@nabla/tensor';

/**
 * An 8-bit picture, row-major, channels interleaved (gray: 1 value per pixel, RGB: 3): what a PNG
 * holds. Every visualization ends as one of these, so the library stays free of file access.
 */
export interface RasterImage {
  /** Width in pixels. */
  width: number;
  /** Height in pixels. */
  height: number;
  /** 1 (gray) or 3 (RGB). */
  channels: 1 | 3;
  /** The pixels, row-major, channels interleaved. */
  data: Uint8Array;
}

/** Options of {@link toRaster}. */
export interface ToRasterOptions {
  /** The value drawn black; default the smallest value. */
  min?: number;
  /** The value drawn white; default the largest value. */
  max?: number;
}

/**
 * Planar values [channels, height, width] (as NCHW keeps one example) to an 8-bit picture, mapped
 * linearly so that `min` is 0 and `max` is 255 (Matlab's mat2gray / rescale). A constant picture
 * becomes mid-gray rather than dividing by zero.
 */
export function toRaster(
  values: ArrayLike<number>,
  height: number,
  width: number,
  channels: 1 | 3,
  options: ToRasterOptions = {},
): RasterImage {
  const plane = height * width;
  if (values.length !== plane * channels) {
    throw new ValueError(
      'toRaster',
      `expected ${channels}×${height}×${width} = ${plane * channels} values, got ${values.length}`,
    );
  }
  let lo = options.min ?? Number.POSITIVE_INFINITY;
  let hi = options.max ?? Number.NEGATIVE_INFINITY;
  if (options.min === undefined || options.max === undefined) {
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (options.min === undefined && v < lo) lo = v;
      if (options.max === undefined && v > hi) hi = v;
    }
  }
  const span = hi - lo;
  const data = new Uint8Array(plane * channels);
  for (let c = 0; c < channels; c++) {
    for (let p = 0; p < plane; p++) {
      const v = values[c * plane + p]!;
      const t = span > 0 && Number.isFinite(span) ? (v - lo) / span : 0.5;
      data[p * channels + c] = Math.round(255 * Math.min(1, Math.max(0, t)));
    }
  }
  return { width, height, channels, data };
}

/** Nearest-neighbour enlargement by an integer factor, so an 11×11 filter or a 6×6 map is visible. */
export function upscale(image: RasterImage, factor: number): RasterImage {
  if (!Number.isInteger(factor) || factor < 1)
    throw new ValueError('upscale', `factor must be a positive integer, got ${factor}`);
  if (factor === 1) return image;
  const { width, height, channels } = image;
  const out = new Uint8Array(width * factor * height * factor * channels);
  const outWidth = width * factor;
  for (let y = 0; y < height * factor; y++) {
    const sy = Math.floor(y / factor);
    for (let x = 0; x < outWidth; x++) {
      const sx = Math.floor(x / factor);
      for (let c = 0; c < channels; c++) {
        out[(y * outWidth + x) * channels + c] = image.data[(sy * width + sx) * channels + c]!;
      }
    }
  }
  return { width: outWidth, height: height * factor, channels, data: out };
}

/** Options of {@link tileImages}. */
export interface TileOptions {
  /** Tiles per row; default ⌈√n⌉ (a square-ish grid, as Matlab's montage). */
  columns?: number;
  /** Pixels between tiles and around the grid. */
  gap?: number;
  /** Gray level (0–255) of the gaps. */
  background?: number;
}

/**
 * Lays pictures of one size out in a grid, row by row (Matlab's montage / imtile). Gray tiles are
 * widened to RGB when any tile is in colour.
 */
export function tileImages(images: readonly RasterImage[], options: TileOptions = {}): RasterImage {
  const first = images[0];
  if (!first) throw new ValueError('tileImages', 'needs at least one picture');
  for (const [i, im] of images.entries()) {
    if (im.width !== first.width || im.height !== first.height) {
      throw new ValueError(
        'tileImages',
        `every picture must be ${first.width}×${first.height}, picture ${i} is ${im.width}×${im.height}`,
      );
    }
  }
  const n = images.length;
  const columns = options.columns ?? Math.ceil(Math.sqrt(n));
  if (!Number.isInteger(columns) || columns < 1)
    throw new ValueError('tileImages', `columns must be a positive integer, got ${columns}`);
  const gap = options.gap ?? 1;
  const rows = Math.ceil(n / columns);
  const channels: 1 | 3 = images.some((im) => im.channels === 3) ? 3 : 1;
  const width = columns * first.width + (columns + 1) * gap;
  const height = rows * first.height + (rows + 1) * gap;
  const data = new Uint8Array(width * height * channels).fill(options.background ?? 0);
  images.forEach((im, k) => {
    const x0 = gap + (k % columns) * (first.width + gap);
    const y0 = gap + Math.floor(k / columns) * (first.height + gap);
    for (let y = 0; y < im.height; y++) {
      for (let x = 0; x < im.width; x++) {
        const to = ((y0 + y) * width + x0 + x) * channels;
        const from = (y * im.width + x) * im.channels;
        for (let c = 0; c < channels; c++) data[to + c] = im.data[from + (im.channels === 3 ? c : 0)]!;
      }
    }
  });
  return { width, height, channels, data };
}

/**
 * A batch of pictures [N, C, H, W] (C = 1 or 3) in pixel units to one raster each, each stretched
 * to its own range by default (Matlab's deepDreamImage 'OutputScaling', 'linear'), or mapped
 * from a fixed `min`/`max`.
 */
export function imageRasters(images: NDArray, options: ToRasterOptions = {}): RasterImage[] {
  const [n, c, h, w] = images.shape as [number, number, number, number];
  if (images.ndim !== 4 || (c !== 1 && c !== 3)) {
    throw new ShapeError('imageRasters', `expected [N, 1 or 3, H, W], got ${formatShape(images.shape)}`);
  }
  const data = images.contiguous().data;
  const per = c * h * w;
  return Array.from({ length: n }, (_, i) =>
    toRaster(data.subarray(i * per, (i + 1) * per), h, w, c, options),
  );
}
