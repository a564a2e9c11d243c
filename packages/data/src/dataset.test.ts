import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NDArray, ShapeError, tensor, ValueError } from '@nabla/tensor';
import { TensorDataset } from './dataset.js';

function images(n: number): NDArray {
  return new NDArray(
    Float32Array.from({ length: n * 4 }, (_, i) => i),
    [n, 1, 2, 2],
  );
}

test('TensorDataset gathers samples and labels in the order asked, as float32', () => {
  const ds = new TensorDataset(images(5), Int32Array.from([0, 1, 2, 1, 0]));
  assert.equal(ds.length, 5);
  assert.deepEqual(ds.sampleShape, [1, 2, 2]);
  assert.equal(ds.numClasses, 3);
  const { x, y } = ds.gather(Int32Array.from([3, 0]));
  assert.deepEqual(x.shape, [2, 1, 2, 2]);
  assert.equal(x.dtype, 'float32');
  assert.deepEqual([...x.data], [12, 13, 14, 15, 0, 1, 2, 3]);
  assert.deepEqual([...y], [1, 0]);
});

test('TensorDataset.subset copies the chosen samples and keeps numClasses', () => {
  const ds = new TensorDataset(images(5), Int32Array.from([0, 1, 2, 1, 0]), { numClasses: 10 });
  const sub = ds.subset([4, 1]);
  assert.equal(sub.length, 2);
  assert.equal(sub.numClasses, 10);
  assert.deepEqual([...sub.labels], [0, 1]);
  assert.deepEqual([...sub.images.data.subarray(0, 4)], [16, 17, 18, 19]);
  assert.throws(() => ds.subset([5]), { name: 'ValueError', message: /index 5 is out of range \[0, 5\)/ });
  assert.throws(() => ds.subset([1.5]), ValueError);
  assert.throws(() => ds.subset([]), { message: /empty/ });
});

test('TensorDataset refuses empty sets, mismatched counts, bad labels and NaN or Infinity, naming itself', () => {
  assert.throws(() => new TensorDataset(images(0), new Int32Array(0), { name: 'train' }), {
    name: 'ValueError',
    message: /^train: the dataset is empty/,
  });
  assert.throws(() => new TensorDataset(images(3), new Int32Array(2), { name: 'train' }), {
    name: 'ShapeError',
    message: /^train: 3 images but 2 labels/,
  });
  assert.throws(
    () => new TensorDataset(images(2), Int32Array.from([0, 10]), { numClasses: 10, name: 'val' }),
    {
      message: /^val: label 1 is 10, expected an integer in \[0, 9\]/,
    },
  );
  assert.throws(() => new TensorDataset(images(2), Int32Array.from([0, -1])), { message: /label 1 is -1/ });
  const nan = images(3);
  nan.data[9] = Number.NaN;
  assert.throws(() => new TensorDataset(nan, new Int32Array(3)), { message: /sample 2 holds NaN/ });
  const inf = images(3);
  inf.data[0] = Number.POSITIVE_INFINITY;
  assert.throws(() => new TensorDataset(inf, new Int32Array(3)), { message: /sample 0 holds Infinity/ });
  assert.throws(() => new TensorDataset(tensor(1), new Int32Array(1)), ShapeError);
});
