import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { GENERATED_DIR } from '../output.js';
import { trainHiddenLayer, trainNeuron, XOR_FULL } from './xor-boundaries.js';

// A shorter run than the page's (2,000 gradient steps instead of 10,000) on a coarse grid.
const SMALL = { ...XOR_FULL, maxIterations: 2_000, grid: 5 };

// #region xor-neuron
test('a single neuron cannot get XOR: at most 3 of 4 points, over several seeds', () => {
  for (const seed of [0, 1, 2, 3]) {
    const r = trainNeuron({ ...SMALL, seed });
    assert.ok(r.accuracy <= 0.75, `seed ${seed}: accuracy ${r.accuracy}`);
    // Measured: it converges to the constant 0.5 everywhere, loss ½·0.5² = 0.125.
    assert.ok(r.loss > 0.12, `seed ${seed}: loss ${r.loss}`);
  }
});
// #endregion xor-neuron

// #region xor-hidden
test('one hidden layer gets all four points, with a small loss', () => {
  for (const seed of [0, 1]) {
    const r = trainHiddenLayer({ ...SMALL, seed });
    assert.equal(r.accuracy, 1, `seed ${seed}`);
    assert.ok(r.loss < 0.01, `seed ${seed}: loss ${r.loss}`);
    assert.ok(r.loss < r.initialLoss);
  }
});
// #endregion xor-hidden

test("the boundaries: the hidden layer's grid holds both classes in two regions, the neuron's is flat", () => {
  const neuron = trainNeuron({ ...SMALL, grid: 21 });
  const hidden = trainHiddenLayer({ ...SMALL, grid: 21 });
  assert.equal(neuron.grid.length, 21 * 21);
  const at = (g: typeof hidden.grid, x1: number, x2: number) =>
    g.find((q) => Math.abs(q.x1 - x1) < 1e-9 && Math.abs(q.x2 - x2) < 1e-9)!.p;
  // Hidden layer: the corners (0,0), (1,1) below ½, (0,1), (1,0) above — the grid reproduces the points.
  assert.ok(at(hidden.grid, 0, 0) < 0.5 && at(hidden.grid, 1, 1) < 0.5);
  assert.ok(at(hidden.grid, 0, 1) > 0.5 && at(hidden.grid, 1, 0) > 0.5);
  // Neuron: a near-constant surface around ½ over the unit square.
  const inside = neuron.grid.filter((q) => q.x1 >= 0 && q.x1 <= 1 && q.x2 >= 0 && q.x2 <= 1).map((q) => q.p);
  assert.ok(Math.max(...inside) - Math.min(...inside) < 0.1);
});

test('the committed docs/generated/xor-boundaries.json matches a fresh run', () => {
  const committed = JSON.parse(readFileSync(join(GENERATED_DIR, 'xor-boundaries.json'), 'utf8')) as {
    figures: { neuron: { loss: number; accuracy: number }; hidden: { loss: number; accuracy: number } };
  };
  const neuron = trainNeuron({ ...XOR_FULL, grid: 2 });
  const hidden = trainHiddenLayer({ ...XOR_FULL, grid: 2 });
  assert.equal(committed.figures.neuron.loss, neuron.loss);
  assert.equal(committed.figures.hidden.loss, hidden.loss);
  assert.equal(committed.figures.neuron.accuracy, neuron.accuracy);
  assert.equal(committed.figures.hidden.accuracy, hidden.accuracy);
});
