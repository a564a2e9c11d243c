import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { GENERATED_DIR } from '../output.js';
import { deltaRule, layerTwoWays } from './delta-rule.js';
import { deltaRuleFigures } from './delta-rule.render.js';

test('a layer of neurons is the vector form a = f(W⁽¹⁾x + b⁽¹⁾)', () => {
  const { byNeuron, vectorForm } = layerTwoWays();
  assert.equal(vectorForm.length, 3);
  byNeuron.forEach((a, i) => {
    assert.ok(Math.abs(a - vectorForm[i]!) < 1e-15, `neuron ${i}`);
  });
  // Neuron 1 by hand: σ(0.5·1 − 0.4·2 + 0.1) = σ(−0.2).
  assert.ok(Math.abs(byNeuron[0]! - 1 / (1 + Math.exp(0.2))) < 1e-15);
});

test("the delta rule by hand equals autograd's gradients (to 1e-15)", () => {
  const b = deltaRule();
  assert.ok(b.maxDifference < 1e-15, `${b.maxDifference}`);
  assert.ok(b.delta3[0]! < 0, 'a⁽³⁾ < y, so raising the output lowers J');
  assert.deepEqual([b.hand.dW1.length, b.hand.dW1[0]!.length, b.hand.dW2[0]!.length], [3, 2, 3]);
  // δ⁽²⁾ ∝ W⁽²⁾ᵀ δ⁽³⁾: the sign of each hidden delta follows its outgoing weight (f′ > 0).
  b.delta2.forEach((d, j) => {
    assert.equal(Math.sign(d), Math.sign([0.7, -0.5, 0.9][j]! * b.delta3[0]!));
  });
});

test('the committed docs/generated/delta-rule.json holds what a fresh run computes', () => {
  const committed = JSON.parse(readFileSync(join(GENERATED_DIR, 'delta-rule.json'), 'utf8'));
  assert.deepEqual(committed.figures, JSON.parse(JSON.stringify(deltaRuleFigures())));
});
