import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { GENERATED_DIR } from '../output.js';
import { learnTarget, target } from './formalization.js';
import { formalizationFigures } from './formalization.render.js';

// One run of the demo serves every test (it is the slowest part: ~15,000 descent steps).
const figures = formalizationFigures();

test('A picks g from H using D only; g ≈ f, and closer off D with more data', () => {
  const runs = figures;
  for (const r of runs) {
    assert.equal(r.reason, 'lossChange', `N = ${r.n} stopped by ${r.reason}`);
    assert.equal(r.inSampleError, 0, `N = ${r.n}: g misclassifies D`);
  }
  // Measured (seed 0): fresh-point error 15.0%, 7.1%, 0.5% for N = 10, 30, 100.
  const errors = runs.map((r) => r.outOfSampleError);
  assert.ok(errors[0]! > errors[1]! && errors[1]! > errors[2]!, `${errors}`);
  assert.ok(errors[2]! < 0.02, `N = 100: ${errors[2]}`);
  assert.ok(runs[2]!.angleDegrees < 3, `angle ${runs[2]!.angleDegrees}°`);
});

test('the target labels the data and nothing else: D changes with the seed, f does not', () => {
  assert.deepEqual([target(0, 0), target(-1, 0), target(0, 1)], [1, 0, 0]);
  assert.notDeepEqual(learnTarget({ n: 10, seed: 1 }).w, learnTarget({ n: 10, seed: 2 }).w);
});

test('the committed docs/generated/formalization.json holds what a fresh run computes', () => {
  const committed = JSON.parse(readFileSync(join(GENERATED_DIR, 'formalization.json'), 'utf8'));
  assert.deepEqual(committed.figures, JSON.parse(JSON.stringify({ runs: figures })));
});
