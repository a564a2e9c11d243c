import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { GENERATED_DIR } from '../output.js';
import { descend, lossAt } from './descent-surface.js';
import { descentSurfaceFigures, summaryOf } from './descent-surface.render.js';

// One run of the demo serves the last two tests.
const figures = descentSurfaceFigures();

test('gradient descent on the neuron loss surface stops by itself ("until converged"), the loss never rising', () => {
  const { result, path } = descend();
  assert.equal(result.converged, true);
  assert.equal(result.reason, 'lossChange');
  assert.equal(path.length, result.iterations + 1);
  for (let i = 1; i < path.length; i++)
    assert.ok(path[i]!.loss <= path[i - 1]!.loss, `loss rose at step ${i}`);
  // Each recorded loss is J at the recorded (w, b): the path lies on the surface that is drawn.
  for (const p of [path[0]!, path[100]!, path.at(-1)!])
    assert.ok(Math.abs(lossAt(p.w, p.b) - p.loss) < 1e-15);
  // It ends near a stationary point: a tiny gradient, 6× lower than where it started.
  assert.ok(result.gradientNorm < 1e-4, `‖∇J‖ = ${result.gradientNorm}`);
  assert.ok(path.at(-1)!.loss < path[0]!.loss / 5);
});

test('the descent ends at the bottom of the drawn surface: no grid point is lower', () => {
  const f = figures;
  assert.equal(f.surface.length, 31 * 31);
  assert.ok(f.end.loss <= f.gridLowest.loss, `${f.end.loss} vs grid ${f.gridLowest.loss}`);
  assert.ok(Math.abs(f.end.w - f.gridLowest.w) <= 0.27 && Math.abs(f.end.b - f.gridLowest.b) <= 0.27);
  // Measured: 561 steps from (−2, 2.5) to (1.035, 0.145), J from 0.338 to 0.0568.
  assert.ok(f.iterations > 100 && f.iterations < 2_000, `${f.iterations} steps`);
});

test('the committed docs/generated/descent-surface.json holds what a fresh run computes', () => {
  const committed = JSON.parse(readFileSync(join(GENERATED_DIR, 'descent-surface.json'), 'utf8'));
  assert.deepEqual(committed.figures, JSON.parse(JSON.stringify(summaryOf(figures))));
});
