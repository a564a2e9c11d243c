import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { GENERATED_DIR } from '../output.js';
import { packagesComparison } from './packages-comparison.js';

test('Nabla and PyTorch, same LeNet and recipe: test accuracies within each other’s spread (committed results)', () => {
  const { nabla, pytorch } = packagesComparison();
  for (const key of ['epochs', 'miniBatchSize', 'initialLearnRate', 'solver'])
    assert.equal(nabla.recipe[key], pytorch.recipe[key], key);
  assert.equal(nabla.seeds.length, 3);
  assert.equal(pytorch.seeds.length, 3);
  assert.match(pytorch.backend, /^PyTorch/);
  // Measured: 97.41 ± 0.23% against 97.24 ± 0.29%: a gap smaller than either's seed-to-seed sd.
  const gap = Math.abs(nabla.testAccuracy.mean - pytorch.testAccuracy.mean);
  assert.ok(gap < Math.max(nabla.testAccuracy.std, pytorch.testAccuracy.std), `gap ${gap}`);
});

test("LeNet's state dict uses PyTorch's keys and layouts: 180,880 learnables", () => {
  const { stateDict, learnables } = packagesComparison();
  assert.deepEqual(stateDict[0], { key: '0.weight', shape: [16, 1, 3, 3] });
  assert.ok(stateDict.some((n) => n.key === '1.running_var'));
  assert.ok(stateDict.some((n) => n.key === '1.num_batches_tracked'));
  assert.equal(learnables, 180_880);
});

test('the committed docs/generated/packages-comparison.json holds what a fresh run computes', () => {
  const committed = JSON.parse(readFileSync(join(GENERATED_DIR, 'packages-comparison.json'), 'utf8'));
  assert.deepEqual(committed.figures, JSON.parse(JSON.stringify(packagesComparison())));
});
