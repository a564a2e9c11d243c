import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { GENERATED_DIR } from '../output.js';
import { LENET_RESULT_FILES, lenetResults } from './lenet-results.js';
import { runTable } from './lenet-results.render.js';

const r = lenetResults();

test('each committed LeNet run: its mean ± sd is that of its rows, and the course targets hold', () => {
  for (const name of LENET_RESULT_FILES) {
    const f = r.files[name];
    assert.ok(f.rows.length >= 3, `${name}: at least three seeds`);
    assert.ok(Math.abs(r.recomputed[name].test.mean - f.testAccuracy.mean) < 1e-9, name);
    assert.ok(Math.abs(r.recomputed[name].test.std - f.testAccuracy.std) < 1e-9, name);
    if (f.validationAccuracy)
      assert.ok(Math.abs(r.recomputed[name].validation!.mean - f.validationAccuracy.mean) < 1e-9, name);
    assert.equal(f.provenance.dirty, false, `${name} was produced from a committed tree`);
    // The table shows every seed's official test accuracy.
    const table = runTable(f);
    for (const row of f.rows)
      assert.ok(table.includes(`${row.testAccuracy.toFixed(2)}%`), `${name} seed ${row.seed}`);
  }
  // docs/results.md's targets: the course flow ≥ 96.5% and within half a point of PyTorch; all digits ≥ 98.2%.
  const course = r.files['lenet-course'].testAccuracy.mean;
  assert.ok(course >= 96.5, `course flow ${course}`);
  assert.ok(Math.abs(course - r.files['pytorch-lenet-course'].testAccuracy.mean) <= 0.5);
  assert.ok(r.files['lenet-full'].testAccuracy.mean >= 98.2);
});

test('the committed docs/generated/lenet-results.json equals a fresh read of docs/results', () => {
  const path = join(GENERATED_DIR, 'lenet-results.json');
  assert.ok(existsSync(path), 'run `pnpm --filter @nabla/course render lenet-results`');
  assert.deepEqual(JSON.parse(readFileSync(path, 'utf8')).figures, JSON.parse(JSON.stringify(r)));
});
