import { GERMAN_CREDIT_ATTRIBUTES } from '@nabla/data';
import { loadGermanCredit } from '@nabla/data/node';
import type { DemoOutput } from '../output.js';
import { applicantEncoding, creditData, creditResults } from './credit.js';

/** Everything both fragments show (the test compares it with the committed JSON). */
export function creditFigures() {
  const data = loadGermanCredit();
  const { provenance, ...results } = creditResults();
  return {
    data: creditData(data),
    results: {
      ...results,
      source: 'docs/results/credit.json',
      commit: provenance.commit,
      date: provenance.date,
    },
    applicant: applicantEncoding(data),
  };
}

const pct = (v: { mean: number; std: number }) =>
  `${(v.mean * 100).toFixed(1)} ± ${(v.std * 100).toFixed(1)}%`;

/** `pnpm --filter @nabla/course render credit`: the example solved (the data is `credit-data`). */
export async function render(): Promise<DemoOutput> {
  const f = creditFigures();
  const d = f.data;

  const r = f.results;
  const a = f.applicant;
  const meaning = (key: string, value: unknown) =>
    GERMAN_CREDIT_ATTRIBUTES.find((attr) => attr.key === key)?.codes?.[String(value)] ?? '';
  const creditMarkdown = [
    `**10-fold cross-validation** (from [docs/results/credit.json](src:docs/results/credit.json), written by example 4 at commit ${r.commit.slice(0, 7)} on ${r.date.slice(0, 10)}):`,
    '',
    '| | mean ± sd over 10 folds | always approve |',
    '|---|---:|---:|',
    `| accuracy (threshold 0.5) | **${pct(r.accuracy)}** | ${(r.baseline.accuracy * 100).toFixed(1)}% |`,
    `| AUC | ${r.auc.mean.toFixed(3)} ± ${r.auc.std.toFixed(3)} | 0.5 |`,
    `| cost per applicant, threshold 0.5 | ${r.cost.mean.toFixed(3)} | ${r.baseline.cost.toFixed(3)} |`,
    `| cost per applicant, threshold p(good) > 5/6 | ${r.costAtCostThreshold.mean.toFixed(3)} | ${r.baseline.cost.toFixed(3)} |`,
    '',
    `**The course's applicant** (age ${a.applicant.age}, ${a.applicant.sex}, $${a.applicant.salaryUsd.toLocaleString('en-US')} salary, ${a.applicant.yearsAtResidence} year at the residence, ${a.applicant.yearsInJob} year in the job, $${a.applicant.debtUsd.toLocaleString('en-US')} debt) as one of the data's rows:`,
    '',
    '| attribute | value | meaning | how it was obtained |',
    '|---|---|---|---|',
    ...Object.entries(a.row).map(([k, v]) => `| ${k} | ${v} | ${meaning(k, v)} | ${a.provenance[k] ?? ''} |`),
    '',
    `Encoded for the network (the encoder fitted on all ${d.applications.toLocaleString('en-US')} applications): ${a.features} inputs, ` +
      `${a.oneHot.length} of them one-hot 1s, and the standardized numbers ` +
      a.numeric.map((n) => `${n.key} ${n.standardized.toFixed(2)}`).join(', ') +
      `. The credit amount sits ${a.numeric.find((n) => n.key === 'creditAmount')!.standardized.toFixed(1)} standard deviations above the mean: ` +
      `${a.row.creditAmount.toLocaleString('en-US')} DM against at most ${a.largestCreditAmount.toLocaleString('en-US')} DM in the data, so the network extrapolates.`,
    '',
    `**Decision** (the network trained on all the data): p(good) = **${r.applicant[0]!.probability.toFixed(3)}**, ` +
      r.applicant.map((x) => `**${x.decision}** at threshold ${x.threshold.toFixed(3)}`).join(', ') +
      '.',
  ].join('\n');
  return {
    name: 'credit',
    figures: { results: f.results, applicant: f.applicant },
    markdown: creditMarkdown,
  };
}
