import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Random } from '@nabla/tensor';
import { propertyParameters } from '@nabla/tensor/testing';
import fc from 'fast-check';
import { stratifiedKFold } from './stratified-k-fold.js';

// A fresh seed each run, printed; NABLA_SEED=<seed> replays it (see @nabla/tensor/testing).
fc.configureGlobal(propertyParameters());

test('stratifiedKFold: test parts partition the indices, train is the rest, classes and sizes balanced', () => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 10, maxLength: 150 }),
      fc.integer({ min: 2, max: 10 }),
      fc.integer(),
      (raw, k, seed) => {
        const labels = Int32Array.from(raw);
        const folds = stratifiedKFold(labels, k, { generator: new Random(seed) });
        assert.equal(folds.length, k);
        const all = folds.flatMap((f) => [...f.test]).sort((a, b) => a - b);
        assert.deepEqual(
          all,
          Array.from({ length: labels.length }, (_, i) => i),
        );
        const sizes = folds.map((f) => f.test.length);
        assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1, `fold sizes ${sizes}`);
        for (const f of folds) {
          assert.equal(f.train.length + f.test.length, labels.length);
          const inTest = new Set(f.test);
          assert.ok([...f.train].every((i) => !inTest.has(i)));
        }
        for (let c = 0; c < 4; c++) {
          const perFold = folds.map((f) => [...f.test].filter((i) => labels[i] === c).length);
          assert.ok(Math.max(...perFold) - Math.min(...perFold) <= 1, `class ${c}: ${perFold}`);
        }
      },
    ),
  );
});

test('stratifiedKFold is seeded and refuses bad k', () => {
  const labels = Int32Array.from({ length: 40 }, (_, i) => i % 2);
  assert.deepEqual(
    stratifiedKFold(labels, 4, { generator: new Random(2) }),
    stratifiedKFold(labels, 4, { generator: new Random(2) }),
  );
  assert.throws(() => stratifiedKFold(labels, 1), {
    name: 'ValueError',
    message: /k must be an integer >= 2, got 1/,
  });
  assert.throws(() => stratifiedKFold(labels, 41), /at least k = 41 samples, got 40/);
});
