import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { Random } from '@nabla/tensor';
import { DataLoader } from '../data-loader.js';
import { encodeIdx, type IdxArray } from '../idx.js';
import { IdxDatastore } from './idx-datastore.js';

const dir = mkdtempSync(join(tmpdir(), 'nabla-idx-datastore-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Writes an IDX file and returns its path. */
function write(name: string, array: IdxArray, gzip = false): string {
  const path = join(dir, name);
  writeFileSync(path, encodeIdx(array, { gzip }));
  return path;
}

// 7 examples of 2×3 int16 values (two bytes each, so the byte order is exercised), labels 0–2.
const N = 7;
const pixels = Int16Array.from({ length: N * 6 }, (_, i) => ((i * 37) % 500) - 250);
const labelValues = Uint8Array.from({ length: N }, (_, i) => i % 3);
const imagesPath = write('images.idx', { dtype: 'int16', shape: [N, 2, 3], data: pixels });
const labelsPath = write('labels.idx', { dtype: 'uint8', shape: [N], data: labelValues });
const example = (i: number, scale = 1) =>
  [...pixels.subarray(i * 6, (i + 1) * 6)].map((v) => Math.fround(v * scale));

test('read() returns readSize examples in file order, the last read smaller; reset() starts over', () => {
  const ds = new IdxDatastore(imagesPath, labelsPath, { readSize: 3, scale: 0.5 });
  assert.equal(ds.length, N);
  assert.deepEqual(ds.sampleShape, [2, 3]);
  for (let pass = 0; pass < 2; pass++) {
    const sizes: number[] = [];
    const seen: number[] = [];
    while (ds.hasData()) {
      const batch = ds.read();
      sizes.push(batch.y.length);
      assert.deepEqual(batch.x.shape, [batch.y.length, 2, 3]);
      assert.equal(batch.x.dtype, 'float32');
      batch.indices.forEach((i, k) => {
        seen.push(i);
        assert.deepEqual([...batch.x.data.subarray(k * 6, (k + 1) * 6)], example(i, 0.5));
        assert.equal(batch.y[k], labelValues[i]);
      });
    }
    assert.deepEqual(sizes, [3, 3, 1]);
    assert.deepEqual(seen, [0, 1, 2, 3, 4, 5, 6]);
    assert.throws(
      () => ds.read(),
      /IdxDatastore.read: no data left: all 7 examples were read; call reset\(\)/,
    );
    ds.reset();
  }
  // Each pass reads every data byte once: 2 bytes × 6 values per image, 1 byte per label.
  assert.equal(ds.bytesRead, 2 * (2 * 6 * N + N));
  assert.equal([...ds].length, 3);
  ds.close();
  ds.close();
  assert.throws(() => ds.read(), /IdxDatastore: .*images.idx and .*labels.idx were closed/);
});

test('gather() reads any indices from disk, so a shuffled DataLoader draws from the files', () => {
  const ds = new IdxDatastore(imagesPath, labelsPath, { readSize: 2 });
  // More indices than readSize, out of order, with a repeat: read in chunks through the scratch.
  const indices = Int32Array.from([6, 0, 3, 3, 5]);
  const { x, y } = ds.gather(indices);
  assert.deepEqual(x.shape, [5, 2, 3]);
  indices.forEach((i, k) => {
    assert.deepEqual([...x.data.subarray(k * 6, (k + 1) * 6)], example(i));
    assert.equal(y[k], labelValues[i]);
  });
  assert.throws(
    () => ds.gather(Int32Array.from([7])),
    /IdxDatastore.gather: index 7 is out of range \[0, 7\)/,
  );

  const loader = new DataLoader(ds, { batchSize: 3, shuffle: true, generator: new Random(4) });
  const order: number[] = [];
  for (const batch of loader) {
    batch.indices.forEach((i, k) => {
      order.push(i);
      assert.deepEqual([...batch.x.data.subarray(k * 6, (k + 1) * 6)], example(i));
    });
  }
  assert.deepEqual([...order].sort(), [0, 1, 2, 3, 4, 5, 6]);
  assert.notDeepEqual(order, [0, 1, 2, 3, 4, 5, 6]);
  ds.close();
});

test('float64 and int32 files keep their values; labels are checked against numClasses as read', () => {
  const f64 = Float64Array.from([1.5, -2.25, 1e-300, 3]);
  const xs = write('f64.idx', { dtype: 'float64', shape: [4], data: f64 });
  const ys = write('i32.idx', { dtype: 'int32', shape: [4], data: Int32Array.from([0, 1, 2, 5]) });
  const ds = new IdxDatastore(xs, ys, { readSize: 3, numClasses: 3 });
  assert.deepEqual(ds.sampleShape, []);
  const first = ds.read();
  assert.deepEqual([...first.x.data], [...Float32Array.from([1.5, -2.25, 1e-300])]);
  assert.deepEqual([...first.y], [0, 1, 2]);
  assert.throws(() => ds.read(), /IdxDatastore: label of example 3 in .*i32.idx is 5, expected in \[0, 2\]/);
  assert.throws(() => ds.gather(Int32Array.from([3])), /label of example 3/);
  ds.close();
});

test('refuses gzip, truncated and padded files, mismatched counts, bad labels files and bad options', () => {
  const images = { dtype: 'uint8' as const, shape: [3, 2], data: Uint8Array.from([1, 2, 3, 4, 5, 6]) };
  const labels = { dtype: 'uint8' as const, shape: [3], data: Uint8Array.from([0, 1, 0]) };
  const good = write('good.idx', images);
  const goodLabels = write('good-labels.idx', labels);
  const gz = write('gz.idx.gz', images, true);
  assert.throws(() => new IdxDatastore(gz, goodLabels), {
    name: 'FormatError',
    message: /gz.idx.gz: a gzip-compressed IDX file cannot be read in batches at offsets: gunzip it first/,
  });
  const cut = join(dir, 'cut.idx');
  writeFileSync(cut, encodeIdx(images).subarray(0, 17));
  assert.throws(() => new IdxDatastore(cut, goodLabels), {
    name: 'FormatError',
    message:
      /cut.idx: not a valid IDX file: truncated: \[3,2\] uint8 needs 18 bytes \(12 header \+ 6 × 1\), got 17/,
  });
  const padded = join(dir, 'padded.idx');
  writeFileSync(padded, new Uint8Array([...encodeIdx(images), 0]));
  assert.throws(() => new IdxDatastore(padded, goodLabels), /padded.idx: not a valid IDX file: too long/);
  const junk = join(dir, 'junk.idx');
  writeFileSync(junk, new Uint8Array([1, 2, 3, 4, 5]));
  assert.throws(() => new IdxDatastore(junk, goodLabels), /junk.idx: not a valid IDX file: wrong magic/);
  const header = join(dir, 'header.idx');
  writeFileSync(header, new Uint8Array([0, 0, 8, 3, 0, 0]));
  assert.throws(
    () => new IdxDatastore(header, goodLabels),
    /header.idx: not a valid IDX file: truncated header: rank 3 needs 16/,
  );

  const two = write('two-labels.idx', { dtype: 'uint8', shape: [2], data: Uint8Array.from([0, 1]) });
  assert.throws(
    () => new IdxDatastore(good, two),
    /IdxDatastore: 3 examples in .*good.idx but 2 labels in .*two-labels.idx/,
  );
  const floatLabels = write('float-labels.idx', {
    dtype: 'float32',
    shape: [3],
    data: Float32Array.from([0, 1, 0]),
  });
  assert.throws(
    () => new IdxDatastore(good, floatLabels),
    /must hold one integer label per example .* got \[3\] float32/,
  );
  assert.throws(() => new IdxDatastore(good, good), /got \[3,2\] uint8/);
  assert.throws(
    () => new IdxDatastore(join(dir, 'missing.idx'), goodLabels),
    /IdxDatastore: cannot read .*missing.idx: no such file/,
  );
  assert.throws(() => new IdxDatastore(dir, goodLabels), /is a directory/);
  assert.throws(() => new IdxDatastore('/dev/zero', goodLabels), /not a regular file/);
  assert.throws(
    () => new IdxDatastore(good, goodLabels, { readSize: 0 }),
    /readSize must be an integer >= 1, got 0/,
  );
  assert.throws(() => new IdxDatastore(good, goodLabels, { scale: Number.NaN }), /scale must be finite/);
  assert.throws(
    () => new IdxDatastore(good, goodLabels, { numClasses: 0 }),
    /numClasses must be an integer >= 1/,
  );
});
