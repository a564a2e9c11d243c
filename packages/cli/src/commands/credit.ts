import { GERMAN_CREDIT_ATTRIBUTES, type GermanCreditRow } from '@nabla/data';
import { loadGermanCredit } from '@nabla/data/node';
import {
  type Applicant,
  applicantToRow,
  COST_THRESHOLD,
  courseApplicant,
  crossValidateCredit,
  decideApplicant,
  trainCreditModel,
} from '@nabla/models';
import { readJson } from '../model-files.js';
import { UserError } from '../user-error.js';

export interface CreditFlags {
  folds: number;
  seed: number;
  applicant?: string;
  threshold: 'half' | 'cost';
  json: boolean;
}

/**
 * `nabla credit`: stratified k-fold cross-validation of the credit MLP on German Credit, fold by
 * fold and on average (accuracy, AUC, cost per applicant), against always approving.
 * `nabla credit --applicant FILE.json`: trains on all 1,000 applications and decides one.
 */
export async function credit(flags: CreditFlags): Promise<void> {
  const data = loadGermanCredit();
  if (flags.applicant !== undefined) return decide(flags, data);
  if (flags.folds < 2 || flags.folds > 100)
    throw new UserError(`--folds must be between 2 and 100, got ${flags.folds}`);
  const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
  if (!flags.json) {
    console.log(
      `German Credit: ${data.rows.length} applications; ${flags.folds}-fold stratified cross-validation (seed ${flags.seed})`,
    );
    console.log('fold  accuracy    AUC   cost/applicant  cost at p>5/6');
  }
  const report = await crossValidateCredit(data, {
    folds: flags.folds,
    recipe: { seed: flags.seed },
    onFold: (r) => {
      if (!flags.json) {
        console.log(
          `${String(r.fold).padStart(4)}  ${pct(r.accuracy).padStart(8)}  ${r.auc.toFixed(3)}  ${r.cost.toFixed(3).padStart(14)}  ${r.costAtCostThreshold.toFixed(3).padStart(13)}`,
        );
      }
    },
  });
  if (flags.json) {
    console.log(JSON.stringify(report));
    return;
  }
  const ms = (m: { mean: number; std: number }, f: (v: number) => string) => `${f(m.mean)} ± ${f(m.std)}`;
  console.log(
    `Mean accuracy: ${ms(report.accuracy, pct)} (always approving: ${pct(report.baseline.accuracy)})`,
  );
  console.log(`Mean AUC: ${ms(report.auc, (v) => v.toFixed(3))}`);
  console.log(
    `Mean cost per applicant (bad approved costs 5, good rejected 1): ${ms(report.cost, (v) => v.toFixed(3))} at p > 0.5, ` +
      `${ms(report.costAtCostThreshold, (v) => v.toFixed(3))} at p > 5/6 (always approving: ${report.baseline.cost.toFixed(3)})`,
  );
}

async function decide(flags: CreditFlags, data: ReturnType<typeof loadGermanCredit>): Promise<void> {
  const given =
    flags.applicant === 'course' ? courseApplicant : await readJson(flags.applicant!, 'the applicant file');
  let row: GermanCreditRow;
  let provenance: Record<string, string> = {};
  if (given && typeof given === 'object' && 'checkingAccount' in given)
    row = checkRow(given as Record<string, unknown>, flags.applicant!);
  else {
    checkApplicant(given, flags.applicant!);
    ({ row, provenance } = applicantToRow(given as Applicant, data.rows));
  }
  const all = Int32Array.from({ length: data.rows.length }, (_, i) => i);
  const model = await trainCreditModel(data, all, { seed: flags.seed });
  const threshold = flags.threshold === 'cost' ? COST_THRESHOLD : 0.5;
  const d = decideApplicant(model, row, threshold);
  if (flags.json) {
    console.log(JSON.stringify({ ...d, row, provenance }));
    return;
  }
  console.log(
    `Decision: ${d.decision.toUpperCase()} — p(good customer) = ${d.probability.toFixed(3)}, approve when above ${threshold === 0.5 ? '0.5' : '5/6 (the cost-minimizing threshold)'}`,
  );
  const entries = Object.entries(provenance);
  if (entries.length) {
    console.log('How the applicant maps onto German Credit:');
    for (const [k, v] of entries) console.log(`  ${k}: ${v}`);
  }
}

const APPLICANT_KEYS = ['age', 'sex', 'salaryUsd', 'yearsAtResidence', 'yearsInJob', 'debtUsd'] as const;

function checkApplicant(value: unknown, source: string): void {
  if (!value || typeof value !== 'object')
    throw new UserError(`${source}: expected a JSON object describing the applicant`);
  const missing = APPLICANT_KEYS.filter((k) => !(k in value));
  if (missing.length) {
    throw new UserError(
      `${source}: missing ${missing.join(', ')} (expected ${APPLICANT_KEYS.join(', ')}, or all 20 German Credit attributes)`,
    );
  }
}

/** A row given with every German Credit attribute: numbers finite, codes among german.doc's. */
function checkRow(value: Record<string, unknown>, source: string): GermanCreditRow {
  for (const a of GERMAN_CREDIT_ATTRIBUTES) {
    const v = value[a.key];
    if (a.kind === 'numeric') {
      if (typeof v !== 'number' || !Number.isFinite(v))
        throw new UserError(`${source}: ${a.key} (${a.name}) must be a number`);
    } else if (typeof v !== 'string' || !(a.codes && v in a.codes)) {
      throw new UserError(
        `${source}: ${a.key} (${a.name}) must be one of ${Object.keys(a.codes ?? {}).join(', ')}`,
      );
    }
  }
  return value as unknown as GermanCreditRow;
}
