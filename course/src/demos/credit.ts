import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  GERMAN_CREDIT_ATTRIBUTES,
  GERMAN_CREDIT_COST,
  type GermanCredit,
  germanCreditColumns,
  TabularEncoder,
  type TabularRow,
} from '@nabla/data';
import { loadGermanCredit } from '@nabla/data/node';
import { applicantToRow, courseApplicant } from '@nabla/models';

/** docs/results/credit.json: the committed 10-fold cross-validation (example 4), with its provenance. */
export const CREDIT_RESULTS = fileURLToPath(new URL('../../../docs/results/credit.json', import.meta.url));

/** The figures of docs/results/credit.json (written by `pnpm --filter @nabla/examples credit -- --json …`). */
export function creditResults() {
  return JSON.parse(readFileSync(CREDIT_RESULTS, 'utf8')) as {
    provenance: { command: string; commit: string; date: string; backend: string };
    accuracy: { mean: number; std: number };
    auc: { mean: number; std: number };
    cost: { mean: number; std: number };
    costAtCostThreshold: { mean: number; std: number };
    baseline: { accuracy: number; cost: number };
    applicant: { decision: string; probability: number; threshold: number }[];
  };
}

/** The data the course's credit example learns from: its size, attributes, classes and costs. */
export function creditData(data: GermanCredit = loadGermanCredit()) {
  const good = data.labels.reduce((s, v) => s + (v === 1 ? 1 : 0), 0);
  return {
    applications: data.rows.length,
    attributes: GERMAN_CREDIT_ATTRIBUTES.length,
    numeric: GERMAN_CREDIT_ATTRIBUTES.filter((a) => a.kind === 'numeric').map((a) => a.key),
    categorical: GERMAN_CREDIT_ATTRIBUTES.filter((a) => a.kind === 'categorical').length,
    good,
    bad: data.rows.length - good,
    cost: GERMAN_CREDIT_COST,
    firstRows: data.rows.slice(0, 3).map((row, i) => ({
      age: row.age,
      duration: row.duration,
      creditAmount: row.creditAmount,
      purpose: row.purpose,
      label: data.labels[i] === 1 ? 'good' : 'bad',
    })),
  };
}

/**
 * The course's applicant as the network sees it: mapped onto the data's 20 attributes (six from what
 * the course says, the rest assumed), then encoded like the training rows (one-hot codes,
 * standardized numbers, with the encoder fitted on all 1,000 applications as the final model is).
 */
export function applicantEncoding(data: GermanCredit = loadGermanCredit()) {
  const { row, provenance } = applicantToRow(courseApplicant, data.rows);
  const encoder = new TabularEncoder(germanCreditColumns()).fit(
    data.rows as unknown as readonly TabularRow[],
  );
  const encoded = Array.from(encoder.transform([row as unknown as TabularRow]).values());
  const names = encoder.featureNames;
  const numeric = GERMAN_CREDIT_ATTRIBUTES.filter((a) => a.kind === 'numeric').map((a) => ({
    key: a.key,
    value: row[a.key] as number,
    standardized: encoded[names.indexOf(a.key)]!,
  }));
  const oneHot = names.filter((n, i) => n.includes('=') && encoded[i] === 1);
  return {
    applicant: courseApplicant,
    row,
    provenance,
    features: names.length,
    numeric,
    oneHot,
    largestCreditAmount: Math.max(...data.rows.map((r) => r.creditAmount)),
  };
}
