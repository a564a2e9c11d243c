import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { variable } from '@nabla/autograd';
import * as nd from '@nabla/tensor';
import { type NDArray, Random } from '@nabla/tensor';
import { propertyParameters } from '@nabla/tensor/testing';
import fc from 'fast-check';
import { Conv2d, gradcheckModule } from './index.js';

// A fresh seed each run, printed; NABLA_SEED=<seed> replays it (see @nabla/tensor/testing).
fc.configureGlobal(propertyParameters());

/** The course's convolution written as its sum (a cross-correlation), one output value at a time. */
function reference(
  x: NDArray,
  w: NDArray,
  b: NDArray | null,
  s: number,
  p: number,
  d: number,
  groups: number,
): number[][][][] {
  const [n, c, h, wd] = x.shape as [number, number, number, number];
  const [co, cig, kh, kw] = w.shape as [number, number, number, number];
  const oh = Math.floor((h + 2 * p - d * (kh - 1) - 1) / s) + 1;
  const ow = Math.floor((wd + 2 * p - d * (kw - 1) - 1) / s) + 1;
  const perGroup = co / groups;
  const out: number[][][][] = [];
  for (let i = 0; i < n; i++) {
    out.push([]);
    for (let o = 0; o < co; o++) {
      out[i]!.push([]);
      const g = Math.floor(o / perGroup);
      for (let r = 0; r < oh; r++) {
        const row: number[] = [];
        for (let q = 0; q < ow; q++) {
          let z = b ? b.get(o) : 0;
          for (let ci = 0; ci < cig; ci++) {
            for (let a = 0; a < kh; a++) {
              for (let e = 0; e < kw; e++) {
                const y = r * s - p + a * d;
                const xx = q * s - p + e * d;
                if (y < 0 || y >= h || xx < 0 || xx >= wd) continue;
                z += x.get(i, g * cig + ci, y, xx) * w.get(o, ci, a, e);
              }
            }
          }
          row.push(z);
        }
        out[i]![o]!.push(row);
      }
    }
  }
  void c;
  return out;
}

const geometry = fc.record({
  n: fc.integer({ min: 1, max: 2 }),
  groups: fc.integer({ min: 1, max: 2 }),
  cinPerGroup: fc.integer({ min: 1, max: 2 }),
  coutPerGroup: fc.integer({ min: 1, max: 2 }),
  k: fc.integer({ min: 1, max: 3 }),
  stride: fc.integer({ min: 1, max: 2 }),
  padding: fc.integer({ min: 0, max: 1 }),
  dilation: fc.integer({ min: 1, max: 2 }),
  size: fc.integer({ min: 4, max: 6 }),
  bias: fc.boolean(),
  seed: fc.nat(1000),
});

describe('Conv2d', () => {
  it('forward equals the direct sum (stride, padding, dilation, groups; property)', () => {
    fc.assert(
      fc.property(geometry, (g) => {
        fc.pre(g.size + 2 * g.padding >= g.dilation * (g.k - 1) + 1);
        const rng = new Random(g.seed);
        const conv = new Conv2d(g.groups * g.cinPerGroup, g.groups * g.coutPerGroup, g.k, {
          stride: g.stride,
          padding: g.padding,
          dilation: g.dilation,
          groups: g.groups,
          bias: g.bias,
          generator: rng,
          biasInit: (s, o) => nd.randomNormal(s, 0, 1, o),
          dtype: 'float64',
        });
        const x = nd.randomNormal([g.n, g.groups * g.cinPerGroup, g.size, g.size], 0, 1, {
          generator: rng,
          dtype: 'float64',
        });
        const y = conv.forward(variable(x));
        const expected = reference(
          x,
          conv.weight.data,
          conv.bias?.data ?? null,
          g.stride,
          g.padding,
          g.dilation,
          g.groups,
        );
        assert.deepEqual(y.shape, conv.outputShape(x.shape));
        const flat = expected.flat(3);
        const got = Array.from(y.data.values());
        assert.equal(got.length, flat.length);
        got.forEach((v, i) => {
          assert.ok(Math.abs(v - flat[i]!) < 1e-10, `${v} vs ${flat[i]}`);
        });
      }),
      { numRuns: 40 },
    );
  });

  it('gradients of input, weight and bias pass a float64 gradient check (property)', () => {
    fc.assert(
      fc.property(geometry, (g) => {
        fc.pre(4 + 2 * g.padding >= g.dilation * (g.k - 1) + 1);
        const rng = new Random(g.seed);
        const conv = new Conv2d(g.groups * g.cinPerGroup, g.groups * g.coutPerGroup, g.k, {
          stride: g.stride,
          padding: g.padding,
          dilation: g.dilation,
          groups: g.groups,
          bias: g.bias,
          generator: rng,
        }).to('float64');
        const x = nd.randomNormal([1, g.groups * g.cinPerGroup, 4, 4], 0, 1, { generator: rng });
        const result = gradcheckModule(conv, x);
        assert.ok(result.ok, JSON.stringify(result));
      }),
      { numRuns: 10 },
    );
  });

  it('weight is [out, in/groups, kh, kw] with Glorot fans per group (channels × kh × kw)', () => {
    const conv = new Conv2d(4, 6, [3, 5], { groups: 2, generator: new Random(0) });
    assert.deepEqual(conv.weight.shape, [6, 2, 3, 5]);
    const a = Math.sqrt(6 / (2 * 15 + 3 * 15));
    const w = Array.from(conv.weight.data.values());
    assert.ok(w.every((v) => Math.abs(v) <= a) && Math.max(...w.map(Math.abs)) > 0.9 * a);
    assert.equal(conv.numParameters(), 6 * 2 * 15 + 6);
  });

  it('refuses bad inputs and settings with the layer named', () => {
    const conv = new Conv2d(3, 8, 5);
    assert.throws(() => conv.forward(variable(nd.ones([3, 28, 28]))), {
      name: 'ShapeError',
      message: 'Conv2d: expected a NCHW input (rank 4), got [3,28,28]',
    });
    assert.throws(
      () => conv.forward(variable(nd.ones([1, 3, 4, 4]))),
      /Conv2d: a 5×5 kernel .* does not fit input \[1,3,4,4\]/,
    );
    assert.throws(
      () => new Conv2d(3, 8, 3, { groups: 2 }),
      /groups 2 must divide both inChannels 3 and outChannels 8/,
    );
    assert.throws(() => new Conv2d(3, 8, 3, { stride: 0 }), /stride must be an integer >= 1/);
  });
});
