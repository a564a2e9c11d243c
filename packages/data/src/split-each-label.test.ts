import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Random } from '@nabla/tensor';
import { propertyParameters } from '@nabla/tensor/testing';
import fc from 'fast-check';
import { splitEachLabel } from './split-each-label.js';

// A fresh seed each run, printed; NABLA_SEED=<seed> replays it (see @nabla/tensor/testing).
fc.configureGlobal(propertyParameters());

const labelsArb = fc
  .array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 200 })
  .map((a) => Int32Array.from(a));

function countByClass(labels: Int32Array, idx: Int32Array): Map<number, number> {
  const m = new Map<number, number>();
  for (const i of idx) m.set(labels[i]!, (m.get(labels[i]!) ?? 0) + 1);
  return m;
}

test('splitEachLabel by fraction: disjoint, complete, and each class split round(n_c · p)', () => {
  fc.assert(
    fc.property(
      labelsArb,
      fc.double({ min: 0.01, max: 0.99, noNaN: true }),
      fc.integer(),
      (labels, p, seed) => {
        const { first, second } = splitEachLabel(labels, p, { generator: new Random(seed) });
        const all = [...first, ...second].sort((a, b) => a - b);
        assert.deepEqual(
          all,
          Array.from({ length: labels.length }, (_, i) => i),
        );
        const total = countByClass(labels, Int32Array.from(all));
        const firstCounts = countByClass(labels, first);
        for (const [c, n] of total) {
          const k = firstCounts.get(c) ?? 0;
          assert.ok(Math.abs(k - n * p) <= 0.5, `class ${c}: ${k} of ${n} for p = ${p}`);
        }
      },
    ),
  );
});

test('splitEachLabel rounds halves to even by default, as the PyTorch reference (Python round) does', () => {
  // 1014 · 0.75 = 760.5, 1070 · 0.75 = 802.5, 978 · 0.75 = 733.5: the classes 6, 7, 9 of the first
  // 10,000 MNIST training digits. Python's round gives 760, 802, 734; Matlab's 761, 803, 734.
  const labels = Int32Array.from([...Array(1014).fill(0), ...Array(1070).fill(1), ...Array(978).fill(2)]);
  const even = countByClass(labels, splitEachLabel(labels, 0.75, { generator: new Random(0) }).first);
  assert.deepEqual([even.get(0), even.get(1), even.get(2)], [760, 802, 734]);
  const away = countByClass(
    labels,
    splitEachLabel(labels, 0.75, { generator: new Random(0), rounding: 'half-away' }).first,
  );
  assert.deepEqual([away.get(0), away.get(1), away.get(2)], [761, 803, 734]);
});

test('splitEachLabel by count takes that many of each class, and refuses more than a class has', () => {
  const labels = Int32Array.from([0, 0, 0, 1, 1, 2, 2, 2, 2]);
  const { first, second } = splitEachLabel(labels, 2, { generator: new Random(1) });
  assert.deepEqual(
    [...countByClass(labels, first)],
    [
      [0, 2],
      [1, 2],
      [2, 2],
    ],
  );
  assert.equal(second.length, 3);
  assert.throws(() => splitEachLabel(labels, 3), {
    name: 'ValueError',
    message: /class 1 has 2 samples, fewer than the 3/,
  });
});

test('splitEachLabel: the same seed gives the same split; the order is class by class', () => {
  const labels = Int32Array.from({ length: 100 }, (_, i) => (i * 7) % 4);
  const a = splitEachLabel(labels, 0.5, { generator: new Random(9) });
  const b = splitEachLabel(labels, 0.5, { generator: new Random(9) });
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, splitEachLabel(labels, 0.5, { generator: new Random(10) }));
  const classes = [...a.first].map((i) => labels[i]!);
  assert.deepEqual(
    classes,
    [...classes].sort((x, y) => x - y),
  );
});

test('splitEachLabel refuses bad arguments', () => {
  const labels = Int32Array.from([0, 1]);
  for (const bad of [0, 1.5, -1, Number.NaN])
    assert.throws(() => splitEachLabel(labels, bad), /fraction in \(0, 1\) or an integer/);
  assert.throws(() => splitEachLabel(new Int32Array(0), 0.5), /no labels/);
  assert.throws(() => splitEachLabel(Int32Array.from([0, -3]), 0.5), /label 1 is -3/);
});
