import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { GENERATED_DIR } from '../output.js';
import { neuronExample, neuronOutputs } from './neuron-output.js';

test("Neuron's output is y = f(wᵀx + b) for each example of the batch and each activation", () => {
  const { z, outputs } = neuronOutputs();
  // By hand: z = 0.5·2 − 1·1 + 0.25·(−1) + 0.5 = 0.25; 0.5 + 2 + 1 + 0.5 = 4; −1.5 − 0.5 + 0.5 + 0.5 = −1.
  assert.deepEqual(z, [0.25, 4, -1]);
  const f = {
    linear: (v: number) => v,
    sigmoid: (v: number) => 1 / (1 + Math.exp(-v)),
    tanh: Math.tanh,
    relu: (v: number) => Math.max(0, v),
  };
  for (const { activation, y } of outputs) {
    z.forEach((zi, i) => {
      assert.ok(Math.abs(y[i]! - f[activation](zi)) < 1e-15, `${activation}(${zi}) = ${y[i]}`);
    });
  }
  assert.deepEqual(outputs.find((o) => o.activation === 'relu')!.y, [0.25, 4, 0]);
});

test('the committed docs/generated/neuron-output.json holds what a fresh run computes', () => {
  const committed = JSON.parse(readFileSync(join(GENERATED_DIR, 'neuron-output.json'), 'utf8'));
  assert.deepEqual(committed.figures, JSON.parse(JSON.stringify({ ...neuronExample, ...neuronOutputs() })));
});
