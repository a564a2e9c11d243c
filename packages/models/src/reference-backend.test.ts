// The reference backend runs the whole library unchanged: a LeNet training step and AlexNet's
// forward pass give what the cpu backend gives, to float32 rounding. Every kernel call really goes
// through the reference (counted), including the optional ones (batch norm, ReLU) and the
// composed fusedConv2d of the convolution's bias.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { crossEntropy, Tensor } from '@nabla/autograd';
import { SGD } from '@nabla/optim';
import * as nd from '@nabla/tensor';
import { type Backend, getBackend, Random, setBackend } from '@nabla/tensor';
import { alexnet } from './alexnet.js';
import { lenet } from './lenet.js';

/** Wraps every kernel of the named backend's instance with a call counter; returns the counts and an undo. */
function countCalls(name: string) {
  const b = setBackend(name) as unknown as Record<string, unknown>;
  const counts = new Map<string, number>();
  const originals = new Map<string, unknown>();
  for (const [key, value] of Object.entries(b)) {
    if (typeof value !== 'function') continue;
    originals.set(key, value);
    b[key] = (...args: unknown[]) => {
      counts.set(key, (counts.get(key) ?? 0) + 1);
      return (value as (...a: unknown[]) => unknown)(...args);
    };
  }
  const restore = () => {
    for (const [k, v] of originals) b[k] = v;
  };
  return { counts, restore };
}

/** Two SGD-with-momentum steps of the course's LeNet on one seeded batch; the losses and the weights after. */
function lenetSteps(backend: string): { losses: number[]; weights: Map<string, nd.NDArray> } {
  const before = getBackend().name;
  setBackend(backend);
  try {
    const net = lenet({ generator: new Random(3) });
    net.train();
    const rng = new Random(4);
    const x = new Tensor(nd.randomUniform([8, 1, 28, 28], 0, 1, { generator: rng }), false);
    const labels = Int32Array.from({ length: 8 }, (_, i) => (i * 7) % 10);
    const optimizer = new SGD(net.body.parameters(), { lr: 0.05, momentum: 0.9 });
    const losses: number[] = [];
    for (let step = 0; step < 2; step++) {
      optimizer.zeroGrad();
      const loss = crossEntropy(net.body.forward(x), labels);
      losses.push(loss.item());
      loss.backward();
      optimizer.step();
    }
    return { losses, weights: net.stateDict() };
  } finally {
    setBackend(before);
  }
}

test("setBackend('reference') trains LeNet: two steps give the cpu backend's losses and weights", () => {
  const cpu = lenetSteps('cpu');
  const spy = countCalls('reference');
  let ref: ReturnType<typeof lenetSteps>;
  try {
    ref = lenetSteps('reference');
  } finally {
    spy.restore();
    setBackend('cpu');
  }
  for (const kernel of [
    'conv2d',
    'conv2dBackwardInput',
    'conv2dBackwardFilter',
    'matmul',
    'maxPool2d',
    'maxPool2dBackward',
    'relu',
    'reluBackward',
    'batchNormStatistics',
    'batchNormForward',
    'batchNormBackwardSums',
    'batchNormBackwardInput',
  ])
    assert.ok((spy.counts.get(kernel) ?? 0) > 0, `${kernel} ran on the reference`);
  assert.equal(
    spy.counts.get('fusedConv2d'),
    undefined,
    'the reference has no fused store: the composition ran',
  );
  // Two backends round differently (float64 sums rounded once vs. the cpu's blocked sums), so the
  // runs agree to float32 rounding amplified by two steps, not bit for bit (measured: 7e-6 at worst,
  // a conv bias whose gradient nearly cancels under batch norm).
  for (let i = 0; i < 2; i++)
    assert.ok(
      Math.abs(ref.losses[i]! - cpu.losses[i]!) <= 1e-5 * cpu.losses[i]!,
      `loss ${i}: ${ref.losses[i]} vs ${cpu.losses[i]}`,
    );
  assert.ok(ref.losses[1]! !== ref.losses[0]!, 'the step changed the weights');
  for (const [name, w] of cpu.weights) {
    const a = w.values();
    const b = ref.weights.get(name)!.values();
    let worst = 0;
    for (let i = 0; i < a.length; i++)
      worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / (1e-3 + Math.abs(a[i]!)));
    assert.ok(worst <= 5e-5, `${name}: relative difference ${worst}`);
  }
});

test("setBackend('reference') runs AlexNet's forward pass on one 227×227 image, as the cpu does", () => {
  // One image: the reference's plain loops take ~10–20 s for AlexNet's 0.7 G multiply-adds.
  const net = alexnet({ generator: new Random(1) });
  const image = nd.randomUniform([1, 3, 227, 227], 0, 255, { generator: new Random(2) });
  net.fitNormalization(nd.concat([image, nd.zeros([1, 3, 227, 227])], 0));
  net.eval();
  const cpu = net.forward(image).data.values();
  let reference: Backend | null = null;
  let scores: ArrayLike<number>;
  try {
    reference = setBackend('reference');
    scores = net.forward(image).data.values();
  } finally {
    setBackend('cpu');
  }
  assert.equal(reference.name, 'reference');
  let scale = 0;
  for (let i = 0; i < cpu.length; i++) scale = Math.max(scale, Math.abs(cpu[i]!));
  for (let i = 0; i < cpu.length; i++)
    assert.ok(Math.abs(scores[i]! - cpu[i]!) <= 1e-4 * scale, `score ${i}: ${scores[i]} vs ${cpu[i]}`);
});
