import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { randomBernoulli, randomUniform } from './creation.js';
import { ValueError } from './errors.js';
import { defaultGenerator, manualSeed, Random } from './random.js';

test('the same seed gives the same numbers; another seed gives others; state round-trips', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), (seed) => {
      const a = new Random(seed);
      const b = new Random(seed);
      const xs = Array.from({ length: 20 }, () => a.normal());
      assert.deepEqual(
        Array.from({ length: 20 }, () => b.normal()),
        xs,
      );
      const c = new Random(seed + 1);
      assert.notDeepEqual(
        Array.from({ length: 20 }, () => c.normal()),
        xs,
      );
      const state = a.getState();
      const next = [a.uniform(), a.normal(), a.int(10)];
      b.setState(state);
      assert.deepEqual([b.uniform(), b.normal(), b.int(10)], next);
    }),
    { numRuns: 50 },
  );
  // Fixed values: the stream must not change between versions (checkpoints and papers depend on it).
  const r = new Random(42);
  assert.deepEqual([r.nextUint32(), r.nextUint32(), r.nextUint32()], [2837322924, 544945897, 479756282]);
  assert.equal(new Random(0).uniform(), 0.8868539502021594);
  manualSeed(7);
  const u1 = randomUniform([5]).toArray();
  manualSeed(7);
  assert.deepEqual(randomUniform([5]).toArray(), u1);
  assert.equal(defaultGenerator instanceof Random, true);
});

test('permutation is a permutation; shuffle keeps the multiset; int stays in range', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 300 }), fc.integer(), (n, seed) => {
      const p = new Random(seed).permutation(n);
      assert.deepEqual(
        [...p].sort((a, b) => a - b),
        Array.from({ length: n }, (_, i) => i),
      );
      const g = new Random(seed);
      for (let i = 0; i < 50; i++) {
        const k = g.int(n + 1);
        assert.ok(Number.isInteger(k) && k >= 0 && k <= n);
      }
    }),
    { numRuns: 60 },
  );
});

test('uniform lies in [low, high), bernoulli(p) has mean p, normal has mean 0 and variance 1', () => {
  const g = new Random(123);
  const n = 40000;
  let ones = 0;
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < n; i++) {
    ones += g.bernoulli(0.3);
    const z = g.normal();
    s += z;
    s2 += z * z;
    const u = g.uniformRange(-2, 3);
    assert.ok(u >= -2 && u < 3);
  }
  // Five standard errors: sqrt(p(1-p)/n) ≈ 0.0023, sqrt(1/n) = 0.005, sqrt(2/n) ≈ 0.007.
  assert.ok(Math.abs(ones / n - 0.3) < 0.012, `bernoulli mean ${ones / n}`);
  assert.ok(Math.abs(s / n) < 0.025, `normal mean ${s / n}`);
  assert.ok(Math.abs(s2 / n - 1) < 0.035, `normal variance ${s2 / n}`);
  const mask = randomBernoulli([1000], 0.5, { generator: new Random(1) });
  assert.ok(mask.data.every((v) => v === 0 || v === 1));
});

test('bad arguments are refused with the op named', () => {
  const g = new Random(0);
  assert.throws(
    () => g.bernoulli(1.5),
    (e: unknown) => e instanceof ValueError && e.message === 'Random.bernoulli: p must be in [0, 1], got 1.5',
  );
  assert.throws(() => g.bernoulli(Number.NaN), /Random.bernoulli/);
  assert.throws(() => g.int(0), /Random.int: n must be an integer in \[1, 2\^32\], got 0/);
  assert.throws(() => g.permutation(-1), /Random.permutation: n must be an integer >= 0, got -1/);
  assert.throws(() => g.seed(Number.NaN), /Random.seed: seed must be a finite number/);
  assert.throws(() => g.setState([1, 2]), /Random.setState/);
});

test('setState refuses the all-zero state, which would draw only zeros', () => {
  assert.throws(() => new Random(1).setState([0, 0, 0, 0]), /all-zero state/);
  assert.throws(() => new Random(1).setState([0, 0, 0, 0, 0.5]), /all-zero state/);
  const r = new Random(1);
  r.setState([0, 0, 0, 1]);
  assert.ok(Number.isInteger(r.nextUint32()));
});
