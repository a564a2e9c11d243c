import { add, matmul, quadraticLoss, reshape, sigmoid, Tensor, variable } from '@nabla/autograd';
import { Neuron } from '@nabla/models';
import * as nd from '@nabla/tensor';

/** A 2-3-1 sigmoid network and one example (x, y), small enough to follow by hand. */
export const network = {
  W1: [
    [0.5, -0.4],
    [0.3, 0.8],
    [-0.6, 0.1],
  ],
  b1: [0.1, -0.2, 0.05],
  W2: [[0.7, -0.5, 0.9]],
  b2: [0.2],
  x: [1, 2],
  y: [1],
};

const sig = (z: number) => 1 / (1 + Math.exp(-z));
const matVec = (W: number[][], a: number[]) => W.map((row) => row.reduce((s, w, j) => s + w * a[j]!, 0));

/**
 * One layer of three neurons, two ways: neuron by neuron (each row of W⁽¹⁾ is one neuron's w), and
 * in the vector form a⁽²⁾ = f(W⁽¹⁾x + b⁽¹⁾), one matrix product. They are the same numbers.
 */
export function layerTwoWays(n = network) {
  const x = new Tensor(nd.tensor([n.x], 'float64'));
  const byNeuron = n.W1.map((w, i) => {
    const neuron = new Neuron(2, { activation: 'sigmoid' }).to('float64');
    w.forEach((wi, j) => {
      neuron.weight.data.data[j] = wi;
    });
    neuron.bias.data.data[0] = n.b1[i]!;
    return neuron.forward(x).item();
  });
  const W = variable(n.W1, { dtype: 'float64' });
  const b = variable(
    n.b1.map((v) => [v]),
    { dtype: 'float64' },
  );
  const column = variable(
    n.x.map((v) => [v]),
    { dtype: 'float64' },
  );
  const vectorForm = Array.from(sigmoid(add(matmul(W, column), b)).data.values());
  return { byNeuron, vectorForm };
}

/**
 * The delta rule by hand for J = ½‖y − a⁽³⁾‖²:
 *   δ⁽³⁾ = −(y − a⁽³⁾) ∘ f′(z⁽³⁾),  δ⁽²⁾ = (W⁽²⁾ᵀ δ⁽³⁾) ∘ f′(z⁽²⁾),
 *   ∂J/∂W⁽ˡ⁾ = δ⁽ˡ⁺¹⁾ a⁽ˡ⁾ᵀ,  ∂J/∂b⁽ˡ⁾ = δ⁽ˡ⁺¹⁾;
 * and autograd's gradients of the same network, for comparison.
 */
export function deltaRule(n = network) {
  const z2 = matVec(n.W1, n.x).map((v, i) => v + n.b1[i]!);
  const a2 = z2.map(sig);
  const z3 = matVec(n.W2, a2).map((v, i) => v + n.b2[i]!);
  const a3 = z3.map(sig);
  const df = (z: number) => sig(z) * (1 - sig(z));
  const delta3 = a3.map((a, i) => -(n.y[i]! - a) * df(z3[i]!));
  const delta2 = a2.map((_, j) => n.W2.reduce((s, row, i) => s + row[j]! * delta3[i]!, 0) * df(z2[j]!));
  const hand = {
    dW1: delta2.map((d) => n.x.map((xj) => d * xj)),
    db1: delta2,
    dW2: delta3.map((d) => a2.map((aj) => d * aj)),
    db2: delta3,
  };
  // Autograd: the same network as ops, column vectors as on the slide.
  const W1 = variable(n.W1, { requiresGrad: true, dtype: 'float64' });
  const b1 = variable(n.b1, { requiresGrad: true, dtype: 'float64' });
  const W2 = variable(n.W2, { requiresGrad: true, dtype: 'float64' });
  const b2 = variable(n.b2, { requiresGrad: true, dtype: 'float64' });
  const x = variable(
    n.x.map((v) => [v]),
    { dtype: 'float64' },
  );
  const a2t = sigmoid(add(matmul(W1, x), reshape(b1, [-1, 1])));
  const a3t = sigmoid(add(matmul(W2, a2t), reshape(b2, [-1, 1])));
  const loss = quadraticLoss(reshape(a3t, [1, -1]), nd.tensor([n.y], 'float64'));
  loss.backward();
  const rows = (t: Tensor) => t.grad!.toArray() as number[][] | number[];
  const autograd = { dW1: rows(W1), db1: rows(b1), dW2: rows(W2), db2: rows(b2) };
  let maxDifference = 0;
  for (const k of ['dW1', 'db1', 'dW2', 'db2'] as const) {
    const h = hand[k].flat();
    const a = (autograd[k] as (number | number[])[]).flat();
    h.forEach((v, i) => {
      maxDifference = Math.max(maxDifference, Math.abs(v - a[i]!));
    });
  }
  return { z2, a2, z3, a3, loss: loss.item(), delta3, delta2, hand, autograd, maxDifference };
}
