import assert from 'node:assert/strict';
import { test } from 'node:test';
import { propertySeed } from '@nabla/tensor/testing';
import { formatMutantTable, mutants, runMutationSuite } from './gradcheck-mutants.js';

// The test of the tests: every deliberately broken backward must fail the gradient check on the
// cases the real op passes. 16 cases per mutant: the least-caught mutant (logSoftmax without its
// sum, invisible when the softmax axis has one element) is caught by 73% of single cases (220 of
// 300 draws), so all 16 miss with probability 0.27¹⁶ ≈ 7e-10; the next, leakyRelu without its
// slope (cases with no negative input), 79%.
test('the mutation suite: every mutant fails the gradient check, the real op passes the same cases', () => {
  const seed = propertySeed();
  const rows = runMutationSuite({ casesPerMutant: 16, seed });
  console.log(formatMutantTable(rows));
  assert.equal(rows.length, mutants.length);
  assert.ok(rows.length >= 30, `only ${rows.length} mutants`);
  for (const r of rows) {
    assert.equal(r.error, undefined, `${r.name} threw: ${r.error}`);
    assert.ok(
      r.caught >= 1,
      `${r.name}: survived all ${r.cases} cases (seed ${seed}); worst error ${r.maxAbsError}`,
    );
    assert.equal(
      r.realPassed,
      r.cases,
      `${r.name}: the real op failed ${r.cases - r.realPassed} of its cases`,
    );
  }
});

test("PyTorch's tolerances (atol 1e-5, rtol 1e-3) let the LRN mutant through at AlexNet's α = 1e-4; the error model's do not", () => {
  const only = (rows: ReturnType<typeof runMutationSuite>) => rows.find((r) => r.name.includes('α = 1e-4'))!;
  const seed = propertySeed();
  const loose = only(runMutationSuite({ casesPerMutant: 8, seed, atol: 1e-5, rtol: 1e-3 }));
  const tight = only(runMutationSuite({ casesPerMutant: 8, seed }));
  assert.equal(tight.caught, 8);
  assert.ok(loose.caught < 8, `caught ${loose.caught}/8 even with the loose tolerance`);
});
