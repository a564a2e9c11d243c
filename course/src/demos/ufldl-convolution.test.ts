import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { GENERATED_DIR } from '../output.js';
import { evaluateShownSum, formatSum, ufldlConvolution } from './ufldl-convolution.js';

// #region ufldl-output
test("UFLDL's 5×5 image ⋆ [[1,0,1],[0,1,0],[1,0,1]] gives UFLDL's convolved feature, via Nabla's conv2d", () => {
  const { output } = ufldlConvolution();
  assert.deepEqual(output, [
    [4, 3, 4],
    [2, 4, 3],
    [2, 3, 4],
  ]);
});
// #endregion ufldl-output

// #region ufldl-sums
test('each output cell, shown as the sum it is, adds up to the cell conv2d computed', () => {
  const { cells, output } = ufldlConvolution();
  assert.equal(cells.length, 9);
  for (const cell of cells) {
    assert.equal(cell.terms.length, 9);
    const shown = formatSum(cell);
    assert.equal(evaluateShownSum(shown), output[cell.row]![cell.col]!, shown);
    assert.match(shown, new RegExp(` = ${output[cell.row]![cell.col]!}$`));
  }
  // The top-left cell as UFLDL draws it: the filter over the image's top-left 3×3 patch.
  assert.equal(formatSum(cells[0]!), '1·1 + 1·0 + 1·1 + 0·0 + 1·1 + 1·0 + 0·1 + 0·0 + 1·1 = 4');
});
// #endregion ufldl-sums

test('the committed docs/generated/ufldl-convolution.json matches a fresh run', () => {
  const committed = JSON.parse(readFileSync(join(GENERATED_DIR, 'ufldl-convolution.json'), 'utf8')) as {
    figures: { output: number[][]; sums: string[] };
  };
  const fresh = ufldlConvolution();
  assert.deepEqual(committed.figures.output, fresh.output);
  assert.deepEqual(committed.figures.sums, fresh.cells.map(formatSum));
});
