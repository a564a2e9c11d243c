import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { GENERATED_DIR } from '../output.js';
import { closedForm, gradientTable, PLOT_Z, TABLE_Z, trainFromSaturation } from './saturated-sigmoid-loss.js';

const close = (a: number, b: number, rtol = 1e-10) => Math.abs(a - b) <= rtol * Math.abs(b) + 1e-15;

// #region closed-forms
test("autograd's ∂L/∂z equals the closed forms (y − t)·σ′(z) and σ(z) − t, for t = 1 and t = 0", () => {
  for (const t of [1, 0]) {
    for (const row of gradientTable(PLOT_Z, t)) {
      assert.ok(
        close(row.quadraticGradient, closedForm.quadratic(row.z, t)),
        `quadratic at z = ${row.z}, t = ${t}`,
      );
      assert.ok(
        close(row.crossEntropyGradient, closedForm.crossEntropy(row.z, t), 1e-9),
        `CE at z = ${row.z}, t = ${t}`,
      );
    }
  }
});
// #endregion closed-forms

// #region saturated
test('saturated on the wrong side (t = 1, z = −10): the quadratic gradient vanishes, cross-entropy’s does not', () => {
  const [row] = gradientTable([-10]);
  assert.ok(Math.abs(row!.quadraticGradient) < 1e-4, `quadratic ${row!.quadraticGradient}`);
  assert.ok(Math.abs(row!.crossEntropyGradient) > 0.99, `CE ${row!.crossEntropyGradient}`);
  // The error itself is nearly maximal for both: y ≈ 4.5e-5.
  assert.ok(row!.y < 1e-4 && row!.quadraticLoss > 0.49);
  // And the further into saturation, the smaller the quadratic gradient; CE's stays near −1.
  const rows = gradientTable(TABLE_Z.filter((z) => z <= -5));
  for (let k = 1; k < rows.length; k++)
    assert.ok(Math.abs(rows[k]!.quadraticGradient) > Math.abs(rows[k - 1]!.quadraticGradient));
  for (const r of rows) assert.ok(r.crossEntropyGradient < -0.99);
});
// #endregion saturated

// #region training
test('training from z = −10: quadratic barely moves, cross-entropy recovers', () => {
  const q = trainFromSaturation('quadratic', 50);
  const c = trainFromSaturation('crossEntropy', 50);
  assert.equal(q.z[0], -10);
  assert.ok(q.z.at(-1)! - q.z[0]! < 0.01, `quadratic moved z by ${q.z.at(-1)! - q.z[0]!}`);
  assert.ok(q.y.at(-1)! < 1e-4);
  assert.ok(c.y.at(-1)! > 0.9, `CE y = ${c.y.at(-1)}`);
  assert.ok(c.y.findIndex((y) => y > 0.5) <= 10);
});
// #endregion training

test('the committed docs/generated/saturated-sigmoid-loss.json matches a fresh run', () => {
  const committed = JSON.parse(readFileSync(join(GENERATED_DIR, 'saturated-sigmoid-loss.json'), 'utf8')) as {
    figures: { table: unknown; training: { quadratic: { y: number[] }; crossEntropy: { y: number[] } } };
  };
  assert.deepEqual(committed.figures.table, gradientTable(TABLE_Z));
  assert.deepEqual(committed.figures.training.crossEntropy.y, trainFromSaturation('crossEntropy').y);
});
