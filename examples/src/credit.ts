/**
 * Example 4 — credit approval on the real German Credit data (1,000 applications; UCI, CC BY 4.0):
 * 10-fold stratified cross-validation of an MLP, then a decision for the course's applicant.
 *   pnpm --filter @nabla/examples credit [-- --json docs/results/credit.json]
 */
import { loadGermanCredit } from '@nabla/data/node';
import {
  applicantToRow,
  COST_THRESHOLD,
  courseApplicant,
  crossValidateCredit,
  decideApplicant,
  trainCreditModel,
} from '@nabla/models';
import { writeResultsFile } from './provenance.js';

const data = loadGermanCredit();
const started = Date.now();
const report = await crossValidateCredit(data, {
  onFold: (f) =>
    console.log(
      `fold ${String(f.fold).padStart(2)}: accuracy ${(f.accuracy * 100).toFixed(1)}%, AUC ${f.auc.toFixed(3)}, cost ${f.cost.toFixed(3)}/applicant`,
    ),
});
const pct = (v: { mean: number; std: number }) =>
  `${(v.mean * 100).toFixed(1)}% ± ${(v.std * 100).toFixed(1)}`;
console.log(`\n10-fold cross-validation (${((Date.now() - started) / 1000).toFixed(1)} s):`);
console.log(
  `  accuracy ${pct(report.accuracy)}   (always approve: ${(report.baseline.accuracy * 100).toFixed(1)}%)`,
);
console.log(`  AUC      ${report.auc.mean.toFixed(3)} ± ${report.auc.std.toFixed(3)}`);
console.log(
  `  cost     ${report.cost.mean.toFixed(3)} per applicant at threshold 0.5, ${report.costAtCostThreshold.mean.toFixed(3)} at the cost-optimal threshold 5/6 (always approve: ${report.baseline.cost.toFixed(3)})`,
);

const all = Int32Array.from(data.labels.keys());
const model = await trainCreditModel(data, all);
const { row, provenance } = applicantToRow(courseApplicant, data.rows);
console.log(
  '\nThe course applicant (age 23, male, $30,000 salary, 1 year at residence, 1 year in the job, $15,000 debt):',
);
for (const [k, v] of Object.entries(provenance)) console.log(`  ${k.padEnd(22)} ${v}`);
for (const threshold of [0.5, COST_THRESHOLD]) {
  const d = decideApplicant(model, row, threshold);
  console.log(
    `decision at threshold ${threshold.toFixed(3)}: ${d.decision.toUpperCase()} (p(good) = ${d.probability.toFixed(3)})`,
  );
}

const args = process.argv.slice(2);
const jsonAt = args.indexOf('--json');
if (jsonAt >= 0 && args[jsonAt + 1]) {
  const decisions = [0.5, COST_THRESHOLD].map((threshold) => decideApplicant(model, row, threshold));
  const written = writeResultsFile(
    args[jsonAt + 1]!,
    `pnpm --filter @nabla/examples credit -- ${args.join(' ')}`,
    1,
    {
      accuracy: report.accuracy,
      auc: report.auc,
      cost: report.cost,
      costAtCostThreshold: report.costAtCostThreshold,
      baseline: report.baseline,
      applicant: decisions,
    },
  );
  console.log(`results: ${written}`);
}
