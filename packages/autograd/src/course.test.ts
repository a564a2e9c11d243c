/**
 * The course's backpropagation equations, computed by hand in plain float64 arithmetic, must equal
 * autograd's gradients to 1e-10.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as nd from '@nabla/tensor';
import { propertyParameters } from '@nabla/tensor/testing';
import fc from 'fast-check';
import {
  add,
  linear,
  matmul,
  mul,
  quadraticLoss,
  relu,
  reshape,
  sigmoid,
  square,
  sub,
  sum,
  tanh,
} from './ops/index.js';
import { type Tensor, variable } from './tensor.js';

// A fresh seed each run, printed; NABLA_SEED=<seed> replays it (see @nabla/tensor/testing).
fc.configureGlobal(propertyParameters());

interface Activation {
  name: string;
  op: (x: Tensor) => Tensor;
  f: (z: number) => number;
  df: (z: number) => number;
}

// #region activations
const sig = (z: number) => 1 / (1 + Math.exp(-z));
const activations: Activation[] = [
  { name: 'sigmoid', op: sigmoid, f: sig, df: (z) => sig(z) * (1 - sig(z)) },
  { name: 'tanh', op: tanh, f: Math.tanh, df: (z) => 1 - Math.tanh(z) ** 2 },
  { name: 'ReLU', op: relu, f: (z) => Math.max(0, z), df: (z) => (z > 0 ? 1 : 0) },
];
// #endregion activations

const value = fc.double({ min: -2, max: 2, noNaN: true });
const close = (actual: number, expected: number, what: string) =>
  assert.ok(
    Math.abs(actual - expected) <= 1e-10 * Math.max(1, Math.abs(expected)),
    `${what}: ${actual} vs ${expected}`,
  );
const param = (values: number[] | number[][]) => variable(values, { requiresGrad: true, dtype: 'float64' });

describe('the single neuron, L = ½(y − f(wᵀx + b))²', () => {
  for (const act of activations) {
    test(`∇w L = −(y − f(z)) f′(z) x and ∇b L = −(y − f(z)) f′(z) for ${act.name}`, () => {
      fc.assert(
        fc.property(
          fc
            .integer({ min: 1, max: 6 })
            .chain((n) =>
              fc.tuple(
                fc.array(value, { minLength: n, maxLength: n }),
                fc.array(value, { minLength: n, maxLength: n }),
              ),
            ),
          value,
          value,
          ([x, w], b, y) => {
            // #region neuron-gradient
            const wt = param(w);
            const bt = param([b]);
            const z = add(sum(mul(wt, variable(x, { dtype: 'float64' }))), bt);
            const loss = mul(0.5, square(sub(y, act.op(z))));
            loss.backward();
            // By hand: the course's formulas.
            const zv = w.reduce((s, wi, i) => s + wi * x[i]!, b);
            const delta = -(y - act.f(zv)) * act.df(zv);
            x.forEach((xi, i) => {
              close(wt.grad!.data[i]!, delta * xi, `∂L/∂w${i}`);
            });
            close(bt.grad!.item(), delta, '∂L/∂b');
            close(loss.item(), 0.5 * (y - act.f(zv)) ** 2, 'L');
            // #endregion neuron-gradient
          },
        ),
        { numRuns: 60 },
      );
    });
  }
});

/** A random network drawn by fast-check: layer sizes, weights, biases, an input and a target. */
const network = fc
  .record({
    sizes: fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 2, maxLength: 5 }),
    batch: fc.integer({ min: 1, max: 4 }),
  })
  .chain(({ sizes, batch }) =>
    fc.record({
      sizes: fc.constant(sizes),
      W: fc.tuple(
        ...sizes.slice(1).map((out, l) =>
          fc.array(fc.array(value, { minLength: sizes[l]!, maxLength: sizes[l]! }), {
            minLength: out,
            maxLength: out,
          }),
        ),
      ),
      b: fc.tuple(...sizes.slice(1).map((out) => fc.array(value, { minLength: out, maxLength: out }))),
      x: fc.array(fc.array(value, { minLength: sizes[0]!, maxLength: sizes[0]! }), {
        minLength: batch,
        maxLength: batch,
      }),
      y: fc.array(fc.array(value, { minLength: sizes.at(-1)!, maxLength: sizes.at(-1)! }), {
        minLength: batch,
        maxLength: batch,
      }),
    }),
  );

type Matrix = number[][];
const matVec = (W: Matrix, a: number[]) => W.map((row) => row.reduce((s, wij, j) => s + wij * a[j]!, 0));
const matTVec = (W: Matrix, d: number[]) =>
  W[0]!.map((_, j) => W.reduce((s, row, i) => s + row[j]! * d[i]!, 0));

// #region delta-rule-by-hand
/**
 * Backpropagation exactly as the course writes it, for one example:
 *   z(l+1) = W(l) a(l) + b(l), a(l+1) = f(z(l+1));
 *   δ(nl) = −(y − a(nl)) ∘ f′(z(nl));  δ(l) = (W(l)ᵀ δ(l+1)) ∘ f′(z(l));
 *   ∂J/∂W(l) = δ(l+1) a(l)ᵀ;  ∂J/∂b(l) = δ(l+1).
 */
function deltaRule(W: Matrix[], b: number[][], x: number[], y: number[], act: Activation) {
  const a: number[][] = [x];
  const z: number[][] = [x];
  for (let l = 0; l < W.length; l++) {
    z.push(matVec(W[l]!, a[l]!).map((v, i) => v + b[l]![i]!));
    a.push(z[l + 1]!.map(act.f));
  }
  const nl = W.length;
  const delta: number[][] = [];
  delta[nl] = a[nl]!.map((ai, i) => -(y[i]! - ai) * act.df(z[nl]![i]!));
  for (let l = nl - 1; l >= 1; l--)
    delta[l] = matTVec(W[l]!, delta[l + 1]!).map((v, i) => v * act.df(z[l]![i]!));
  const dW = W.map((_, l) => delta[l + 1]!.map((d) => a[l]!.map((al) => d * al)));
  const db = W.map((_, l) => delta[l + 1]!.slice());
  return { dW, db };
}
// #endregion delta-rule-by-hand

describe('the delta rule on random multi-layer networks', () => {
  for (const act of activations) {
    test(`one example, J = ½‖y − a(nl)‖², ${act.name}: autograd equals δ(l+1) a(l)ᵀ and δ(l+1)`, () => {
      fc.assert(
        fc.property(network, ({ W, b, x, y }) => {
          const Wt = W.map((w) => param(w));
          const bt = b.map((v) => param(v));
          // Column vectors, as on the slide: a(l+1) = f(W(l) a(l) + b(l)).
          let a: Tensor = variable(
            x[0]!.map((v) => [v]),
            { dtype: 'float64' },
          );
          Wt.forEach((w, l) => {
            a = act.op(add(matmul(w, a), reshape(bt[l]!, [-1, 1])));
          });
          quadraticLoss(reshape(a, [1, -1]), nd.tensor([y[0]!], 'float64')).backward();
          const hand = deltaRule(W, b, x[0]!, y[0]!, act);
          Wt.forEach((w, l) => {
            hand.dW[l]!.forEach((row, i) => {
              for (const [j, g] of row.entries()) close(w.grad!.get(i, j), g, `∂J/∂W(${l + 1})[${i},${j}]`);
            });
            hand.db[l]!.forEach((g, i) => {
              close(bt[l]!.grad!.get(i), g, `∂J/∂b(${l + 1})[${i}]`);
            });
          });
        }),
        { numRuns: 40 },
      );
    });
  }

  test('a batch of m examples, J = (1/m) Σᵢ ½‖yᵢ − a(nl)ᵢ‖²: ∂J/∂W(l) = (1/m) Σᵢ δ(l+1)ᵢ a(l)ᵢᵀ', () => {
    const act = activations[1]!;
    fc.assert(
      fc.property(network, ({ W, b, x, y }) => {
        const Wt = W.map((w) => param(w));
        const bt = b.map((v) => param(v));
        let a: Tensor = variable(x, { dtype: 'float64' });
        Wt.forEach((w, l) => {
          a = act.op(linear(a, w, bt[l]!));
        });
        quadraticLoss(a, nd.tensor(y, 'float64')).backward();
        const m = x.length;
        const hands = x.map((xi, i) => deltaRule(W, b, xi, y[i]!, act));
        Wt.forEach((w, l) => {
          W[l]!.forEach((row, i) => {
            for (let j = 0; j < row.length; j++) {
              close(
                w.grad!.get(i, j),
                hands.reduce((s, h) => s + h.dW[l]![i]![j]!, 0) / m,
                `∂J/∂W(${l + 1})`,
              );
            }
          });
          b[l]!.forEach((_, i) => {
            close(bt[l]!.grad!.get(i), hands.reduce((s, h) => s + h.db[l]![i]!, 0) / m, `∂J/∂b(${l + 1})`);
          });
        });
      }),
      { numRuns: 40 },
    );
  });
});
