import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { GENERATED_DIR } from '../output.js';
import { batchNormalization, dropoutDemo, lrn, lrnInput, pooling } from './pooling-normalization.js';
import { poolingNormalizationFigures } from './pooling-normalization.render.js';

test('2×2/2 pooling: max keeps each window’s largest value and routes the gradient to it; average spreads ¼', () => {
  const { max, average } = pooling();
  assert.deepEqual(max.y, [
    [6, 5],
    [3, 9],
  ]);
  assert.deepEqual(average.y, [
    [3.5, 2],
    [1.5, 7],
  ]);
  assert.deepEqual(max.dx, [
    [0, 0, 0, 0],
    [0, 1, 1, 0],
    [0, 0, 1, 0],
    [0, 1, 0, 0],
  ]);
  assert.deepEqual(
    average.dx,
    Array.from({ length: 4 }, () => [0.25, 0.25, 0.25, 0.25]),
  );
});

test('batch norm: each feature has mean 0 and variance σ²/(σ² + ε) after, whatever its scale before', () => {
  const { channels, eps } = batchNormalization();
  for (const { before, after } of channels) {
    assert.ok(Math.abs(after.mean) < 1e-15, `mean ${after.mean}`);
    assert.ok(Math.abs(after.variance - before.variance / (before.variance + eps)) < 1e-14);
  }
  assert.ok(Math.abs(channels[0]!.after.variance - 1) < 1e-5);
  // Feature 2's σ² = 5.6e-4 is only 56 ε: its output variance is visibly below 1.
  assert.ok(channels[1]!.after.variance < 0.99);
});

test('inverted dropout keeps ≈ 1 − p of the values, scaled by 1/(1 − p), so the mean stays ≈ 1', () => {
  const d = dropoutDemo();
  assert.deepEqual(d.keptValues, [2]);
  // 10,000 Bernoulli(½) draws: the share kept has sd 0.005; measured 0.4992 with seed 0.
  assert.ok(Math.abs(d.keptShare - 0.5) < 0.02, `${d.keptShare}`);
  assert.equal(d.mean, 2 * d.keptShare);
  assert.equal(d.evaluationIsIdentity, true);
});

test('LRN: b_c = a_c / (k + (α/n) Σ a_c′²)^β over the channels within 2 of c', () => {
  const { output } = lrn();
  lrnInput.forEach((a, c) => {
    const window = lrnInput.slice(Math.max(0, c - 2), c + 3);
    const s = 2 + (1e-4 / 5) * window.reduce((t, v) => t + v * v, 0);
    assert.ok(Math.abs(output[c]! - a / s ** 0.75) < 1e-12, `channel ${c}`);
  });
});

test('the committed docs/generated/pooling-normalization.json holds what a fresh run computes', () => {
  const committed = JSON.parse(readFileSync(join(GENERATED_DIR, 'pooling-normalization.json'), 'utf8'));
  assert.deepEqual(committed.figures, JSON.parse(JSON.stringify(poolingNormalizationFigures())));
});
