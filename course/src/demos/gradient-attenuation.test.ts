import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Sigmoid } from '@nabla/layers';
import { GENERATED_DIR } from '../output.js';
import { attenuation, depthRatios, FULL, firstLayerGradientNorm } from './gradient-attenuation.js';

// A small version of the demo: depths 1 and 20 only, three seeds. Measured (geometric means over the
// seeds, depth 20 over depth 1): sigmoid 2.1e-12, tanh 0.27, ReLU 0.93.
const SMALL = { ...FULL, depths: [1, 20], seeds: [1, 2, 3] };
/** ReLU's first-layer gradient stays within this factor of its depth-1 value from depth 1 to 20. */
const RELU_FACTOR = 5;
/** The sigmoid's falls below this fraction of it: more than eight orders of magnitude. */
const SIGMOID_FLOOR = 1e-8;

// #region sigmoid-attenuates
test("20 sigmoid layers (Glorot): the first layer's gradient falls by orders of magnitude", () => {
  const r = depthRatios(attenuation(SMALL));
  assert.ok(r.sigmoid < SIGMOID_FLOOR, `sigmoid ratio ${r.sigmoid}`);
});
// #endregion sigmoid-attenuates

// #region relu-bounded
test("20 ReLU layers (He): the first layer's gradient stays within a bounded factor", () => {
  const r = depthRatios(attenuation(SMALL));
  assert.ok(r.relu > 1 / RELU_FACTOR && r.relu < RELU_FACTOR, `ReLU ratio ${r.relu}`);
  // tanh sits between: it shrinks, but by less than one order of magnitude over 20 layers here.
  assert.ok(r.tanh > 0.1 && r.tanh < 1, `tanh ratio ${r.tanh}`);
});
// #endregion relu-bounded

// #region mutation
test('the ReLU bound can fail: put sigmoids into the He network and it does', () => {
  const mutated = depthRatios(attenuation({ ...SMALL, layerOverride: { relu: () => new Sigmoid() } }));
  assert.ok(!(mutated.relu > 1 / RELU_FACTOR && mutated.relu < RELU_FACTOR), `mutated ratio ${mutated.relu}`);
});
// #endregion mutation

test('the first-layer gradient norm is seeded: the same seed gives the same number', () => {
  const a = firstLayerGradientNorm('tanh', 3, 9, FULL);
  assert.equal(firstLayerGradientNorm('tanh', 3, 9, FULL), a);
  assert.notEqual(firstLayerGradientNorm('tanh', 3, 10, FULL), a);
});

test('the committed docs/generated/gradient-attenuation.json matches a fresh run (depths 1 and 20)', () => {
  const committed = JSON.parse(readFileSync(join(GENERATED_DIR, 'gradient-attenuation.json'), 'utf8')) as {
    figures: { rows: { activation: string; depth: number; norms: number[] }[] };
  };
  const fresh = attenuation({ ...FULL, depths: [1, 20] });
  for (const row of fresh) {
    const saved = committed.figures.rows.find(
      (r) => r.activation === row.activation && r.depth === row.depth,
    );
    assert.deepEqual(saved?.norms, row.norms);
  }
});
