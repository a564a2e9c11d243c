import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Random } from '@nabla/tensor';
import { GENERATED_DIR } from '../output.js';
import {
  cellBounds,
  convVolume,
  drawProblem,
  explicitVolume,
  hiddenTarget,
  RECORDED_DEMO,
  searchVolume,
} from './cs231n-volume.js';

const inRange = (values: number[], low: number, high: number) =>
  values.every((v) => Number.isInteger(v) && v >= low && v <= high);

// #region recorded-demo
test('a recorded page load of the cs231n demo: Nabla computes the output volume the demo showed', () => {
  assert.deepEqual(convVolume(RECORDED_DEMO), RECORDED_DEMO.output);
  assert.deepEqual(explicitVolume(RECORDED_DEMO), RECORDED_DEMO.output);
});
// #endregion recorded-demo

test('conv2d with bias (stride 2, padding 1) equals the explicit padded sum on random draws', () => {
  const g = new Random(7);
  for (let k = 0; k < 20; k++) {
    const problem = drawProblem(g);
    const v = convVolume(problem);
    assert.deepEqual([v.length, v[0]!.length, v[0]![0]!.length], [2, 3, 3]);
    assert.deepEqual(v, explicitVolume(problem));
  }
});

// #region search-exact
test('the seeded search reproduces its targets exactly, within the demo ranges', () => {
  for (const target of [hiddenTarget(), RECORDED_DEMO.output]) {
    const found = searchVolume(target, { seed: 1 });
    assert.ok(found.found, `no solution for ${JSON.stringify(target)}`);
    assert.deepEqual(found.output, target);
    assert.deepEqual(explicitVolume(found), target);
    assert.ok(inRange(found.input.flat(2), 0, 2));
    assert.ok(inRange(found.filters.flat(3), -1, 1));
    assert.deepEqual(found.bias, [1, 0]);
  }
});
// #endregion search-exact

test('a target outside the bounds is reported as not found, never faked', () => {
  assert.deepEqual(cellBounds(), [
    [24, 36, 24],
    [36, 54, 36],
    [24, 36, 24],
  ]);
  const impossible = hiddenTarget();
  impossible[0]![0]![0] = 1 + 25; // corner cell: |V − b0| ≤ 24
  const r = searchVolume(impossible, { seed: 1, maxRestarts: 2, stepsPerRestart: 2000 });
  assert.equal(r.found, false);
  assert.notDeepEqual(r.output, impossible);
});

test('the committed docs/generated/cs231n-volume.json matches a fresh run', () => {
  const committed = JSON.parse(readFileSync(join(GENERATED_DIR, 'cs231n-volume.json'), 'utf8')) as {
    figures: { hidden: { target: number[][][]; input: number[][][]; filters: number[][][][] } };
  };
  const target = hiddenTarget();
  const fresh = searchVolume(target, { seed: 1 });
  assert.deepEqual(committed.figures.hidden.target, target);
  assert.deepEqual(committed.figures.hidden.input, fresh.input);
  assert.deepEqual(committed.figures.hidden.filters, fresh.filters);
});
