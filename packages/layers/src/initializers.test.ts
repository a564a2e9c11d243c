import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Random } from '@nabla/tensor';
import { propertyParameters } from '@nabla/tensor/testing';
import fc from 'fast-check';
import {
  Conv2d,
  computeFans,
  glorotNormal,
  glorotUniform,
  heNormal,
  heUniform,
  Linear,
  ones,
  zeros,
} from './index.js';

// A fresh seed each run, printed; NABLA_SEED=<seed> replays it (see @nabla/tensor/testing).
fc.configureGlobal(propertyParameters());

const stats = (v: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < v.length; i++) m += v[i]!;
  m /= v.length;
  let s = 0;
  for (let i = 0; i < v.length; i++) s += (v[i]! - m) ** 2;
  return { mean: m, variance: s / v.length, maxAbs: Math.max(...Array.from(v, Math.abs)) };
};

describe('initializers', () => {
  it('computeFans: Linear [out, in] → (in, out); conv [out, in, kh, kw] → channels × kh × kw', () => {
    assert.deepEqual(computeFans([10, 20]), { fanIn: 20, fanOut: 10 });
    assert.deepEqual(computeFans([16, 3, 5, 5]), { fanIn: 75, fanOut: 400 });
    assert.throws(() => computeFans([4]), /rank >= 2/);
  });

  it('Glorot uniform: U(±√(6/(fan_in + fan_out))), variance 2/(fan_in + fan_out)', () => {
    const w = glorotUniform([200, 300], { generator: new Random(1) }).values();
    const { mean, variance, maxAbs } = stats(w);
    const a = Math.sqrt(6 / 500);
    assert.ok(maxAbs <= a && maxAbs > 0.99 * a);
    assert.ok(Math.abs(mean) < 0.002 && Math.abs(variance / (2 / 500) - 1) < 0.02, `${mean} ${variance}`);
  });

  it('Glorot normal, He normal and He uniform have their variances (2/(in+out), 2/in, 2/in)', () => {
    const g = new Random(2);
    const shape = [100, 50, 3, 3];
    const { fanIn, fanOut } = computeFans(shape);
    const check = (v: ArrayLike<number>, expected: number) => {
      const s = stats(v);
      assert.ok(
        Math.abs(s.variance / expected - 1) < 0.03 && Math.abs(s.mean) < 0.01,
        `${s.variance} vs ${expected}`,
      );
    };
    check(glorotNormal(shape, { generator: g }).values(), 2 / (fanIn + fanOut));
    check(heNormal(shape, { generator: g }).values(), 2 / fanIn);
    const hu = heUniform(shape, { generator: g }).values();
    check(hu, 2 / fanIn);
    assert.ok(stats(hu).maxAbs <= Math.sqrt(6 / fanIn));
  });

  it('explicit fans override the shape; zeros and ones; dtype honoured', () => {
    const w = glorotUniform([1000], { fanIn: 1, fanOut: 2, generator: new Random(0), dtype: 'float64' });
    assert.equal(w.dtype, 'float64');
    assert.ok(stats(w.values()).maxAbs <= Math.sqrt(2));
    assert.ok(Array.from(zeros([3]).values()).every((v) => v === 0));
    assert.ok(Array.from(ones([2, 2]).values()).every((v) => v === 1));
  });

  it('the same seed gives bit-identical layers; another seed does not (property)', () => {
    fc.assert(
      fc.property(fc.nat(), (seed) => {
        const a = new Conv2d(3, 4, 3, { generator: new Random(seed) });
        const b = new Conv2d(3, 4, 3, { generator: new Random(seed) });
        const c = new Conv2d(3, 4, 3, { generator: new Random(seed + 1) });
        assert.deepEqual(a.weight.toArray(), b.weight.toArray());
        assert.notDeepEqual(a.weight.toArray(), c.weight.toArray());
      }),
      { numRuns: 20 },
    );
    const l1 = new Linear(5, 5, { weightInit: heNormal, generator: new Random(4) });
    const l2 = new Linear(5, 5, { weightInit: heNormal, generator: new Random(4) });
    assert.deepEqual(l1.stateDict().get('weight')!.toArray(), l2.stateDict().get('weight')!.toArray());
  });
});
