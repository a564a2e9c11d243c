import assert from 'node:assert/strict';
import { test } from 'node:test';
import { propertyParameters } from '@nabla/tensor/testing';
import fc from 'fast-check';
import { type ColumnSpec, TabularEncoder, type TabularRow } from './tabular-encoder.js';

// A fresh seed each run, printed; NABLA_SEED=<seed> replays it (see @nabla/tensor/testing).
fc.configureGlobal(propertyParameters());

const columns: ColumnSpec[] = [
  { name: 'age', kind: 'numeric' },
  { name: 'color', kind: 'categorical' },
  { name: 'size', kind: 'categorical', categories: ['s', 'm', 'l'] },
];
const rows: TabularRow[] = [
  { age: 20, color: 'red', size: 's' },
  { age: 30, color: 'blue', size: 'm' },
  { age: 40, color: 'red', size: 's' },
  { age: 1000, color: 'green', size: 'l' },
];

test('TabularEncoder standardizes numbers and one-hot encodes categories, with named features', () => {
  const enc = new TabularEncoder(columns).fit(rows, [0, 1, 2]);
  assert.deepEqual(enc.featureNames, ['age', 'color=blue', 'color=red', 'size=s', 'size=m', 'size=l']);
  const x = enc.transform(rows, [0, 1, 2]);
  assert.deepEqual(x.shape, [3, 6]);
  const std = Math.sqrt(200 / 3);
  const row = (i: number) => [...x.data.subarray(i * 6, i * 6 + 6)];
  assert.deepEqual(row(0), [Math.fround(-10 / std), 0, 1, 1, 0, 0]);
  assert.deepEqual(row(1), [0, 1, 0, 0, 1, 0]);
});

test('TabularEncoder fits on the training rows only: the test rows change nothing', () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.record({ a: fc.double({ min: -1e3, max: 1e3, noNaN: true }), c: fc.constantFrom('x', 'y') }),
        { minLength: 2, maxLength: 20 },
      ),
      fc.array(
        fc.record({ a: fc.double({ min: -1e6, max: 1e6, noNaN: true }), c: fc.constantFrom('x', 'y') }),
        { minLength: 1, maxLength: 20 },
      ),
      (train, test) => {
        const specs: ColumnSpec[] = [
          { name: 'a', kind: 'numeric' },
          { name: 'c', kind: 'categorical', categories: ['x', 'y'] },
        ];
        const all = [...train, ...test];
        const trainIdx = train.map((_, i) => i);
        const onAll = new TabularEncoder(specs).fit(all, trainIdx);
        const onTrain = new TabularEncoder(specs).fit(train);
        assert.deepEqual(onAll.toJSON(), onTrain.toJSON());
        const z = onTrain.transform(train);
        const col = Array.from({ length: train.length }, (_, i) => z.data[i * 3]!);
        const mean = col.reduce((s, v) => s + v, 0) / col.length;
        assert.ok(Math.abs(mean) < 1e-4, `standardized training mean ${mean}`);
      },
    ),
  );
});

test('TabularEncoder: an unseen category is refused by default, or all zeros with unknown: "ignore"', () => {
  const enc = new TabularEncoder(columns).fit(rows, [0, 1]);
  assert.throws(() => enc.transform(rows, [3]), {
    name: 'ValueError',
    message:
      /^TabularEncoder\.transform: row 3: column 'color' has 'green', unseen in fit \(known: blue, red\)/,
  });
  const lenient = new TabularEncoder(columns, { unknown: 'ignore' }).fit(rows, [0, 1]);
  const x = lenient.transform([{ age: 25, color: 'green', size: 'l' }]);
  assert.deepEqual([...x.data.subarray(1, 3)], [0, 0]);
  assert.deepEqual([...x.data.subarray(3)], [0, 0, 1]);
});

test('TabularEncoder survives JSON: the restored encoder encodes a new row identically', () => {
  const enc = new TabularEncoder(columns).fit(rows);
  const text = JSON.stringify(enc);
  const back = TabularEncoder.fromJSON(text);
  const applicant = [{ age: 23, color: 'blue', size: 'm' }];
  assert.deepEqual(back.transform(applicant), enc.transform(applicant));
  assert.deepEqual(back.featureNames, enc.featureNames);
  assert.deepEqual(TabularEncoder.fromJSON(JSON.parse(text)).toJSON(), enc.toJSON());
});

test('TabularEncoder.fromJSON refuses malformed input with a FormatError', () => {
  const good = new TabularEncoder(columns).fit(rows).toJSON();
  const bad = [
    'not json',
    null,
    { ...good, format: 'other' },
    { ...good, columns: [] },
    { ...good, columns: [{ name: 'a', kind: 'numeric', mean: 0, std: 0 }] },
    { ...good, columns: [{ name: 'a', kind: 'categorical', categories: [1] }] },
    { ...good, columns: [{ name: 'a', kind: 'date' }] },
    { ...good, columns: [good.columns[0], good.columns[0]] },
  ];
  for (const b of bad)
    assert.throws(() => TabularEncoder.fromJSON(b), { name: 'FormatError' }, JSON.stringify(b));
});

test('TabularEncoder refuses missing, non-finite and mistyped values, and use before fit', () => {
  const enc = new TabularEncoder(columns);
  assert.throws(() => enc.transform(rows), /not fitted/);
  assert.throws(
    () => enc.fit([{ age: Number.NaN, color: 'r', size: 's' }]),
    /row 0: numeric column 'age' needs a finite number, got NaN/,
  );
  assert.throws(
    () => enc.fit([{ age: 1, size: 's' }]),
    /row 0: categorical column 'color' needs a string, got nothing/,
  );
  assert.throws(() => enc.fit([{ age: '3', color: 'r', size: 's' }]), /got '3'/);
  assert.throws(
    () => enc.fit([{ age: 1, color: 'r', size: 'xl' }]),
    /column 'size' has 'xl', not one of its categories s, m, l/,
  );
  assert.throws(() => enc.fit([]), /no rows/);
  assert.throws(() => new TabularEncoder([]), /at least one column/);
  assert.throws(() => new TabularEncoder([columns[0]!, columns[0]!]), /appears twice/);
});
