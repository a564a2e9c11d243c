import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Linear, zeros } from '@nabla/layers';
import { GENERATED_DIR } from '../output.js';
import { bySide, CASES, compare, linearParameterCount } from './conv-vs-fc-parameters.js';

// #region counts-28
test("28×28: a 1→16 3×3 'same' convolution has 160 learnables, the fully connected layer 9,847,040", () => {
  const r = compare(CASES[0]!);
  assert.deepEqual(r.outputShape, [16, 28, 28]);
  assert.equal(r.convParameters, 16 * 1 * 3 * 3 + 16);
  assert.equal(r.convParameters, 160);
  assert.equal(r.fcInstantiated, true);
  assert.equal(r.fcParameters, 784 * 12_544 + 12_544);
  assert.equal(r.fcParameters, 9_847_040);
  assert.equal(r.ratio, 61_544);
});
// #endregion counts-28

// #region counts-227
test("227×227: AlexNet's conv1 has 34,944 learnables, the fully connected layer 44,892,355,200", () => {
  const r = compare(CASES[1]!);
  assert.deepEqual(r.outputShape, [96, 55, 55]);
  assert.equal(r.convParameters, 96 * 3 * 11 * 11 + 96);
  assert.equal(r.convParameters, 34_944);
  assert.equal(r.fcInstantiated, false);
  assert.equal(r.fcParameters, 154_587 * 290_400 + 290_400);
  assert.equal(r.fcParameters, 44_892_355_200);
  assert.ok(r.ratio > 1.28e6 && r.ratio < 1.29e6, `ratio ${r.ratio}`);
});
// #endregion counts-227

test('the Linear count used beyond memory equals what Linear layers hold, at several sizes', () => {
  for (const [i, o] of [
    [1, 1],
    [2, 3],
    [64, 256],
    [784, 12_544],
    [3 * 16 * 16, 96 * 4 * 4],
  ] as const) {
    assert.equal(
      linearParameterCount(i, o),
      new Linear(i, o, { weightInit: zeros }).numParameters(),
      `${i}→${o}`,
    );
  }
});

test("the convolution's count does not grow with the image; the fully connected one grows as side⁴", () => {
  const rows = bySide();
  for (const r of rows) assert.equal(r.conv, 160);
  for (const r of rows) assert.equal(r.fc, r.side ** 2 * 16 * r.side ** 2 + 16 * r.side ** 2);
});

test('the committed docs/generated/conv-vs-fc-parameters.json matches a fresh run', () => {
  const committed = JSON.parse(readFileSync(join(GENERATED_DIR, 'conv-vs-fc-parameters.json'), 'utf8')) as {
    figures: { cases: { convParameters: number; fcParameters: number }[] };
  };
  assert.deepEqual(
    committed.figures.cases.map((c) => [c.convParameters, c.fcParameters]),
    CASES.map(compare).map((c) => [c.convParameters, c.fcParameters]),
  );
});
