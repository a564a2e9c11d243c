import { FormatError, NDArray, ShapeError } from '@nabla/tensor';
import { formatDims, type IdxArray } from './idx.js';

export interface MnistImageOptions {
  /** Image height and width; 28 × 28 for MNIST. */
  height?: number;
  width?: number;
}

/**
 * MNIST images from a parsed IDX file: uint8 [N, 28, 28] → float32 [N, 1, 28, 28] (NCHW, one gray
 * channel) scaled to [0, 1] by /255. Any other type or size is refused with a FormatError naming
 * the file: this is also how another IDX set of 28 × 28 grayscale images gets checked.
 */
export function mnistImages(idx: IdxArray, options: MnistImageOptions = {}): NDArray {
  const source = idx.source ?? 'mnist images';
  const height = options.height ?? 28;
  const width = options.width ?? 28;
  if (idx.dtype !== 'uint8')
    throw new FormatError(source, `expected uint8 pixels (type 0x08), got ${idx.dtype}`);
  const [n, h, w] = idx.shape;
  if (idx.shape.length !== 3 || h !== height || w !== width) {
    throw new FormatError(
      source,
      `expected images of shape [N,${height},${width}], got ${formatDims(idx.shape)}`,
    );
  }
  if (n === 0) throw new FormatError(source, 'holds no images');
  const out = new Float32Array(idx.data.length);
  const src = idx.data;
  for (let i = 0; i < src.length; i++) out[i] = src[i]! / 255;
  return new NDArray(out, [n!, 1, height, width]);
}

/** MNIST labels from a parsed IDX file: uint8 [N] with every value in 0 … 9 (numClasses − 1). */
export function mnistLabels(idx: IdxArray, numClasses = 10): Int32Array {
  const source = idx.source ?? 'mnist labels';
  if (idx.dtype !== 'uint8')
    throw new FormatError(source, `expected uint8 labels (type 0x08), got ${idx.dtype}`);
  if (idx.shape.length !== 1)
    throw new FormatError(source, `expected labels of shape [N], got ${formatDims(idx.shape)}`);
  if (idx.shape[0] === 0) throw new FormatError(source, 'holds no labels');
  const labels = Int32Array.from(idx.data);
  for (let i = 0; i < labels.length; i++) {
    if (labels[i]! >= numClasses) {
      throw new FormatError(source, `label ${i} is ${labels[i]}, expected 0 to ${numClasses - 1}`);
    }
  }
  return labels;
}

/** Images with their labels, once their counts are known to agree. */
export interface LabeledImages {
  images: NDArray;
  labels: Int32Array;
}

/** Pairs images with labels, refusing counts that differ (naming both files). */
export function pairImagesLabels(
  images: NDArray,
  labels: Int32Array,
  sources: { images?: string; labels?: string } = {},
): LabeledImages {
  if (images.shape[0] !== labels.length) {
    throw new ShapeError(
      'pairImagesLabels',
      `${sources.images ?? 'the images'} holds ${images.shape[0]} images but ${sources.labels ?? 'the labels'} holds ${labels.length} labels`,
    );
  }
  return { images, labels };
}
