import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { GENERATED_DIR } from '../output.js';
import { applicantEncoding, creditData, creditResults } from './credit.js';
import { creditFigures } from './credit.render.js';

test('the credit data: 1,000 applications, 20 attributes (7 numeric), 700 good and 300 bad, cost 5 vs 1', () => {
  const d = creditData();
  assert.deepEqual([d.applications, d.attributes, d.numeric.length, d.categorical], [1000, 20, 7, 13]);
  assert.deepEqual([d.good, d.bad], [700, 300]);
  assert.deepEqual(d.cost, { badApproved: 5, goodRejected: 1 });
  assert.deepEqual(d.firstRows[0], {
    age: 67,
    duration: 6,
    creditAmount: 1169,
    purpose: 'A43',
    label: 'good',
  });
});

test("the course's applicant: six attributes from the course, the rest assumed; 63 encoded inputs", () => {
  const a = applicantEncoding();
  assert.equal(a.row.age, 23);
  assert.equal(a.row.creditAmount, 24_300); // $15,000 × 1.62 DM/$
  assert.equal(a.row.personalStatusSex, 'A93'); // male, single
  assert.equal(a.row.employmentSince, 'A73'); // 1 ≤ years in job < 4
  assert.equal(a.row.residenceSince, 1);
  assert.equal(a.row.installmentRate, 3); // $833/month is 33% of $2,500/month
  const assumed = Object.values(a.provenance).filter((p) => p.startsWith('assumed')).length;
  assert.equal(assumed, 14); // 20 attributes − the 6 the course gives (11 most common values, 3 medians)
  assert.equal(a.features, 63);
  assert.equal(a.oneHot.length, 13); // one 1 per categorical attribute
  // 24,300 DM is beyond the largest loan in the data (18,424 DM): > 7 standard deviations.
  assert.equal(a.largestCreditAmount, 18_424);
  assert.ok(a.numeric.find((n) => n.key === 'creditAmount')!.standardized > 7);
});

test('the figures shown are those of docs/results/credit.json: beats always-approve on accuracy and cost; rejects', () => {
  const r = creditResults();
  assert.ok(r.accuracy.mean > r.baseline.accuracy && r.costAtCostThreshold.mean < r.baseline.cost);
  assert.deepEqual(
    r.applicant.map((x) => x.decision),
    ['reject', 'reject'],
  );
  const f = creditFigures();
  assert.equal(f.results.accuracy.mean, r.accuracy.mean);
  assert.equal(f.results.commit, r.provenance.commit);
});

test('the committed docs/generated/credit*.json hold what a fresh run computes', () => {
  const read = (stem: string) =>
    JSON.parse(readFileSync(join(GENERATED_DIR, `${stem}.json`), 'utf8')).figures;
  const f = JSON.parse(JSON.stringify(creditFigures()));
  assert.deepEqual(read('credit-data'), f.data);
  assert.deepEqual(read('credit'), { results: f.results, applicant: f.applicant });
});
