import assert from 'node:assert/strict';
import { test } from 'node:test';
import { argmax, NDArray } from '@nabla/tensor';
import { propertyParameters } from '@nabla/tensor/testing';
import fc from 'fast-check';
import { accuracy, topK, topKAccuracy } from './metrics.js';

fc.configureGlobal(propertyParameters());

const scores = new NDArray(
  Float32Array.from(
    [
      [0.1, 0.5, 0.2, 0.15, 0.05], // ranks: 1, 2, 3, 0, 4
      [0.3, 0.3, 0.1, 0.2, 0.1], // a tie between 0 and 1: 0 first (argmax's rule)
      [0.0, 0.0, 0.0, 0.0, 1.0],
    ].flat(),
  ),
  [3, 5],
);

test('topK lists the k best classes, best first, ties to the lower index', () => {
  assert.deepEqual(
    topK(scores, 3).map((r) => [...r]),
    [
      [1, 2, 3],
      [0, 1, 3],
      [4, 0, 1],
    ],
  );
});

test('top-k accuracy counts the true class among the k best; k = 1 is accuracy of argmax', () => {
  const labels = [3, 1, 2];
  assert.equal(topKAccuracy(scores, labels, 1), 0);
  assert.equal(topKAccuracy(scores, labels, 2), 1 / 3); // example 2: class 1 ties 0, ranks second
  assert.equal(topKAccuracy(scores, labels, 3), 2 / 3); // example 1: class 3 is third
  assert.equal(topKAccuracy(scores, labels, 5), 1);
  assert.throws(() => topKAccuracy(scores, labels, 6), /k must be an integer in \[1, 5\], got 6/);
  assert.throws(() => topKAccuracy(scores, [0, 7, 1], 1), /label 7 at example 1 is outside \[0, 4\]/);
  assert.throws(() => topKAccuracy(scores, [0, 1], 1), /3 score rows but 2 labels/);
});

test('top-k accuracy grows with k, equals accuracy at k = 1 and agrees with topK', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 6 }),
      fc.integer({ min: 2, max: 7 }),
      fc.infiniteStream(fc.integer({ min: 0, max: 3 })),
      (n, classes, stream) => {
        const it = stream[Symbol.iterator]();
        // Few distinct values, so ties are common.
        const v = Float32Array.from({ length: n * classes }, () => it.next().value as number);
        const s = new NDArray(v, [n, classes]);
        const labels = Array.from({ length: n }, () => (it.next().value as number) % classes);
        let previous = 0;
        for (let k = 1; k <= classes; k++) {
          const a = topKAccuracy(s, labels, k);
          assert.ok(a >= previous);
          previous = a;
          const hits = topK(s, k).filter((row, i) => row.includes(labels[i]!)).length;
          assert.equal(a, hits / n);
        }
        assert.equal(previous, 1);
        const best = topK(s, 1).map((r) => r[0]!);
        assert.deepEqual(best, [...(argmax(s, -1).values() as Int32Array)]);
        assert.equal(topKAccuracy(s, labels, 1), accuracy(best, labels));
      },
    ),
  );
});
