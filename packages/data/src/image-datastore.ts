import { defaultGenerator, FormatError, NDArray, type Random, ValueError } from '@nabla/tensor';
import type { Dataset } from './dataset.js';
import { decodeImage } from './image-decode.js';
import {
  augmentImage,
  checkAugmentation,
  hasAugmentation,
  type ImageAugmentation,
  resizeBilinear,
} from './image-transform.js';

/**
 * Matlab's imageDatastore + augmentedImageDatastore for the course's "your own images": labelled
 * pictures (a folder per class, read by '@nabla/data/node'), each decoded once and resized to the
 * network's input, then — when read for training — augmented afresh with the seeded generator.
 * Pixel values stay in 0 … 255, as Matlab's uint8 images (the input layer normalizes them).
 */

/** How a picture whose channel count differs from the network's is treated (Matlab's ColorPreprocessing). */
export type ColorPreprocessing = 'none' | 'gray2rgb' | 'rgb2gray';

/** One labelled picture as encoded bytes: the input of {@link imagesFromBytes}. */
export interface ImageSource {
  /** A name for messages: the file's path. */
  file: string;
  /** The class index into `classes`. */
  label: number;
  /** The encoded file's contents (PNG or JPEG), decoded by decodeImage. */
  bytes: Uint8Array;
}

/** Options of {@link imagesFromBytes} (and of the node reader of a folder per class). */
export interface ImageDatastoreOptions {
  /** The network's input: [height, width, channels] (Matlab's order). */
  outputSize: [number, number, number];
  /** How a picture with the wrong channel count is converted (default 'none': it is refused or skipped). */
  colorPreprocessing?: ColorPreprocessing;
  /** 'error' (default): the first bad file is refused by name; 'skip': bad files are left out and listed. */
  onBadFile?: 'error' | 'skip';
  /** The random transforms applied afresh to each image each time it is read for training (default none). */
  augmentation?: ImageAugmentation;
  /** The seeded generator the augmentation draws from (default: the shared defaultGenerator). */
  generator?: Random;
}

/** A picture left out with onBadFile 'skip'. */
export interface SkippedFile {
  /** The file's path (ImageSource.file). */
  file: string;
  /** Why it was left out: the decode or channel-count error's message. */
  reason: string;
}

export class ImageDatastore implements Dataset {
  /** [N, C, H, W] float32 in 0 … 255. */
  readonly images: NDArray;
  /** The class index of each image, into `classes`; length N. */
  readonly labels: Int32Array;
  /** The class names, in label order (the folder names when read from disk). */
  readonly classes: string[];
  /** The source file of each image, for messages; length N. */
  readonly files: string[];
  /** The random transforms applied when images are gathered for training (undefined: none). */
  readonly augmentation: ImageAugmentation | undefined;
  /** The seeded generator the augmentation draws from. */
  generator: Random;
  /** Files left out with onBadFile 'skip'. */
  readonly skipped: SkippedFile[];

  constructor(
    images: NDArray,
    labels: Int32Array,
    classes: string[],
    files: string[],
    options: { augmentation?: ImageAugmentation; generator?: Random; skipped?: SkippedFile[] } = {},
  ) {
    if (images.ndim !== 4 || images.shape[0] !== labels.length || files.length !== labels.length)
      throw new ValueError('ImageDatastore', `[N,C,H,W] images, N labels and N files expected`);
    if (labels.length === 0) throw new ValueError('ImageDatastore', 'no images');
    if (options.augmentation) checkAugmentation(options.augmentation);
    this.images = images;
    this.labels = labels;
    this.classes = classes;
    this.files = files;
    this.augmentation = options.augmentation;
    this.generator = options.generator ?? defaultGenerator;
    this.skipped = options.skipped ?? [];
  }

  get length(): number {
    return this.labels.length;
  }

  get sampleShape(): number[] {
    return this.images.shape.slice(1);
  }

  /** Matlab's countEachLabel: how many images each class has, in class order. */
  countEachLabel(): {
    /** The class name. */
    label: string;
    /** The number of images with that label. */
    count: number;
  }[] {
    const counts = new Array<number>(this.classes.length).fill(0);
    for (const l of this.labels) counts[l]!++;
    return this.classes.map((label, i) => ({ label, count: counts[i]! }));
  }

  /** The images at `indices` (e.g. one part of splitEachLabel), sharing the options. */
  subset(indices: Int32Array): ImageDatastore {
    const per = this.sampleShape.reduce((a, b) => a * b, 1);
    const src = this.images.contiguous().values() as Float32Array;
    const out = new Float32Array(indices.length * per);
    for (const [i, r] of indices.entries()) out.set(src.subarray(r * per, (r + 1) * per), i * per);
    return new ImageDatastore(
      new NDArray(out, [indices.length, ...this.sampleShape]),
      Int32Array.from(indices, (r) => this.labels[r]!),
      this.classes,
      Array.from(indices, (r) => this.files[r]!),
      { augmentation: this.augmentation, generator: this.generator },
    );
  }

  /** The images as they are (no augmentation) with their labels: trainNetwork's and classify's input. */
  toLabeledData(): {
    /** All images, [N, C, H, W] float32 in 0 … 255. */
    x: NDArray;
    /** Their class labels, length N. */
    y: Int32Array;
  } {
    return { x: this.images, y: this.labels };
  }

  /**
   * The augmentation as trainNetwork's per-batch hook: each [rows, C, H, W] mini-batch of raw
   * images is transformed in place, one fresh random draw per image (null when none is set).
   */
  augmenter(): ((batch: Float32Array, rows: Int32Array) => void) | null {
    const a = this.augmentation;
    if (!hasAugmentation(a)) return null;
    const [c, h, w] = this.sampleShape as [number, number, number];
    return (batch, rows) => {
      const per = c * h * w;
      for (let i = 0; i < rows.length; i++) {
        augmentImage(batch.subarray(i * per, (i + 1) * per), c, h, w, a!, this.generator);
      }
    };
  }

  /** Dataset.gather: the images at `indices`, augmented when an augmentation is set. */
  gather(indices: Int32Array): {
    /** The images at `indices`, [indices.length, C, H, W] float32, augmented when set. */
    x: NDArray;
    /** Their class labels. */
    y: Int32Array;
  } {
    const sub = this.subset(indices);
    const data = sub.images.values() as Float32Array;
    this.augmenter()?.(data, indices);
    return { x: new NDArray(data, sub.images.shape), y: sub.labels };
  }
}

/**
 * Decodes and resizes labelled pictures into an ImageDatastore. A picture that cannot be decoded,
 * or whose channel count does not fit (and no colorPreprocessing converts it), is refused with
 * its file named — or, with onBadFile 'skip', left out and listed in `skipped`.
 */
export function imagesFromBytes(
  sources: readonly ImageSource[],
  classes: string[],
  options: ImageDatastoreOptions,
): ImageDatastore {
  const [h, w, c] = options.outputSize;
  if (![h, w].every((d) => Number.isInteger(d) && d >= 1) || (c !== 1 && c !== 3))
    throw new ValueError(
      'imageDatastore',
      `outputSize must be [height, width, 1 or 3], got [${options.outputSize.join(', ')}]`,
    );
  const color = options.colorPreprocessing ?? 'none';
  const per = c * h * w;
  const kept: { data: Float32Array; label: number; file: string }[] = [];
  const skipped: SkippedFile[] = [];
  for (const s of sources) {
    try {
      kept.push({ data: toNetworkInput(s, c, h, w, color), label: s.label, file: s.file });
    } catch (e) {
      if (options.onBadFile !== 'skip' || !(e instanceof FormatError)) throw e;
      skipped.push({ file: s.file, reason: e.message });
    }
  }
  if (kept.length === 0)
    throw new ValueError('imageDatastore', `no readable images (${skipped.length} skipped)`);
  const images = new Float32Array(kept.length * per);
  for (const [i, k] of kept.entries()) images.set(k.data, i * per);
  return new ImageDatastore(
    new NDArray(images, [kept.length, c, h, w]),
    Int32Array.from(kept, (k) => k.label),
    classes,
    kept.map((k) => k.file),
    { augmentation: options.augmentation, generator: options.generator, skipped },
  );
}

/** One picture as a [C, H, W] float32 network input (0 … 255). */
function toNetworkInput(
  s: ImageSource,
  c: number,
  h: number,
  w: number,
  color: ColorPreprocessing,
): Float32Array {
  const img = decodeImage(s.bytes, s.file);
  const n = img.width * img.height;
  let planes: Float32Array; // [channels, height, width]
  if (img.channels === c) {
    planes = new Float32Array(c * n);
    for (let i = 0; i < n; i++) for (let k = 0; k < c; k++) planes[k * n + i] = img.data[c * i + k]!;
  } else if (img.channels === 1 && c === 3 && color === 'gray2rgb') {
    planes = new Float32Array(3 * n);
    for (let i = 0; i < n; i++) planes[i] = planes[n + i] = planes[2 * n + i] = img.data[i]!;
  } else if (img.channels === 3 && c === 1 && color === 'rgb2gray') {
    // Matlab's rgb2gray: 0.2989 R + 0.5870 G + 0.1140 B.
    planes = new Float32Array(n);
    for (let i = 0; i < n; i++)
      planes[i] = 0.2989 * img.data[3 * i]! + 0.587 * img.data[3 * i + 1]! + 0.114 * img.data[3 * i + 2]!;
  } else {
    const fix = c === 3 ? "colorPreprocessing 'gray2rgb'" : "colorPreprocessing 'rgb2gray'";
    throw new FormatError(
      s.file,
      `has ${img.channels} channel${img.channels > 1 ? 's' : ''}, the network takes ${c} (use ${fix})`,
    );
  }
  return resizeBilinear(planes, c, img.height, img.width, h, w);
}
