import {
  APPROVE,
  type GermanCredit,
  type GermanCreditRow,
  germanCreditColumns,
  germanCreditCost,
  REJECT,
  stratifiedKFold,
  TabularEncoder,
  type TabularEncoderJSON,
  type TabularRow,
} from '@nabla/data';
import { Random, ValueError } from '@nabla/tensor';
import { classify } from './classify.js';
import { accuracy, type MeanAndStd, meanAndStd, rocAuc } from './metrics.js';
import { mlpLayers } from './mlp.js';
import type { Network } from './network.js';
import { trainingOptions } from './training-options.js';
import { trainNetwork } from './train-network.js';

/** The credit-approval recipe: a small MLP on one-hot and standardized attributes. */
/** German Credit rows are tabular rows with named attributes. */
const tabular = (rows: readonly GermanCreditRow[]) => rows as unknown as readonly TabularRow[];

/** How the credit-approval network is made and trained. */
export interface CreditRecipe {
  /** Hidden layer sizes of the MLP. */
  hidden: number[];
  /** Passes over the training applications. */
  epochs: number;
  /** Applications per mini-batch. */
  miniBatchSize: number;
  /** Adam's learning rate. */
  learnRate: number;
  /** L2 regularization λ. */
  l2: number;
  /** Seed of the initialization and the shuffles. */
  seed: number;
}

/** The recipe the course's credit example uses: one hidden layer of 16, 30 epochs of Adam. */
export const defaultCreditRecipe: CreditRecipe = {
  hidden: [16],
  epochs: 30,
  miniBatchSize: 32,
  learnRate: 0.01,
  l2: 1e-3,
  seed: 0,
};

/** A trained credit model: the network and the encoder its inputs went through. */
export interface CreditModel {
  /** The trained MLP. */
  net: Network;
  /** The encoder fitted on the training applications. */
  encoder: TabularEncoder;
}

// #region train-credit-model
/**
 * Trains the approve / reject network: the encoder is fitted on the training rows only (means,
 * standard deviations), then an MLP with a softmax over {reject, approve} learns by 'sgdm'.
 */
export async function trainCreditModel(
  data: GermanCredit,
  indices: Int32Array,
  recipe: Partial<CreditRecipe> = {},
): Promise<CreditModel> {
  const r = { ...defaultCreditRecipe, ...recipe };
  const encoder = new TabularEncoder(germanCreditColumns()).fit(tabular(data.rows), indices);
  const x = encoder.transform(tabular(Array.from(indices, (i) => data.rows[i]!)));
  const y = Int32Array.from(indices, (i) => data.labels[i]!);
  const layers = mlpLayers([x.shape[1]!, ...r.hidden, 2], { activation: 'relu' });
  const { net } = await trainNetwork(
    { x, y },
    layers,
    trainingOptions('sgdm', {
      maxEpochs: r.epochs,
      miniBatchSize: r.miniBatchSize,
      initialLearnRate: r.learnRate,
      l2Regularization: r.l2,
      verbose: false,
      seed: r.seed,
    }),
  );
  net.classes = ['reject', 'approve'];
  return { net, encoder };
}
// #endregion train-credit-model

/** Probability of "good customer, approve" for each row. */
export function approvalProbabilities(model: CreditModel, rows: readonly GermanCreditRow[]): Float32Array {
  const { scores } = classify(model.net, model.encoder.transform(tabular(rows)));
  const p = new Float32Array(rows.length);
  for (let i = 0; i < rows.length; i++) p[i] = scores.get(i, APPROVE);
  return p;
}

/** The outcome of one cross-validation fold. */
export interface FoldResult {
  /** The fold's index (0-based). */
  fold: number;
  /** Share of the fold's test applications decided correctly. */
  accuracy: number;
  /** Area under the ROC curve of p(approve) on the fold's test applications. */
  auc: number;
  /** Average cost per applicant under the dataset's cost matrix (bad approved 5, good rejected 1). */
  cost: number;
  /** The same for the cost-minimizing threshold p(approve) > 5/6. */
  costAtCostThreshold: number;
}

/** Every fold's result and their mean and sample standard deviation. */
export interface CrossValidationReport {
  /** Each fold's result. */
  folds: FoldResult[];
  /** Accuracy over the folds. */
  accuracy: MeanAndStd;
  /** AUC over the folds. */
  auc: MeanAndStd;
  /** Average cost per applicant at threshold 0.5, over the folds. */
  cost: MeanAndStd;
  /** Average cost per applicant at the cost-minimizing threshold, over the folds. */
  costAtCostThreshold: MeanAndStd;
  /** Always approving: the share of good customers (70%) and its cost. */
  baseline: {
    /** The share of good customers. */
    accuracy: number;
    /** The average cost per applicant of approving everyone. */
    cost: number;
  };
  /** The recipe that was cross-validated. */
  recipe: CreditRecipe;
}

// #region cost-threshold
/**
 * With costs c(bad approved) = 5 and c(good rejected) = 1, approving has the lower expected cost
 * when 5·(1 − p) < 1·p, i.e. p(approve) > 5/6: the Bayes decision threshold for this matrix.
 */
export const COST_THRESHOLD = 5 / 6;
// #endregion cost-threshold

// #region cross-validate
/** Stratified k-fold cross-validation of the credit MLP: accuracy, AUC and cost per fold. */
export async function crossValidateCredit(
  data: GermanCredit,
  options: { folds?: number; recipe?: Partial<CreditRecipe>; onFold?: (r: FoldResult) => void } = {},
): Promise<CrossValidationReport> {
  const recipe = { ...defaultCreditRecipe, ...options.recipe };
  const k = options.folds ?? 10;
  const folds = stratifiedKFold(data.labels, k, { generator: new Random(recipe.seed) });
  const results: FoldResult[] = [];
  for (const [f, fold] of folds.entries()) {
    const model = await trainCreditModel(data, fold.train, { ...recipe, seed: recipe.seed + f + 1 });
    const rows = Array.from(fold.test, (i) => data.rows[i]!);
    const labels = Int32Array.from(fold.test, (i) => data.labels[i]!);
    const p = approvalProbabilities(model, rows);
    const at = (threshold: number) => Int32Array.from(p, (v) => (v > threshold ? APPROVE : REJECT));
    const result: FoldResult = {
      fold: f + 1,
      accuracy: accuracy(at(0.5), labels),
      auc: rocAuc(p, labels),
      cost: germanCreditCost(labels, at(0.5)) / labels.length,
      costAtCostThreshold: germanCreditCost(labels, at(COST_THRESHOLD)) / labels.length,
    };
    results.push(result);
    options.onFold?.(result);
  }
  const approveAll = new Int32Array(data.labels.length).fill(APPROVE);
  return {
    folds: results,
    accuracy: meanAndStd(results.map((r) => r.accuracy)),
    auc: meanAndStd(results.map((r) => r.auc)),
    cost: meanAndStd(results.map((r) => r.cost)),
    costAtCostThreshold: meanAndStd(results.map((r) => r.costAtCostThreshold)),
    baseline: {
      accuracy: accuracy(approveAll, data.labels),
      cost: germanCreditCost(data.labels, approveAll) / data.labels.length,
    },
    recipe,
  };
}
// #endregion cross-validate

/** The course's applicant, in the course's own terms. */
export interface Applicant {
  /** Age in years. */
  age: number;
  /** 'male' or 'female' (German Credit codes it together with marital status). */
  sex: 'male' | 'female';
  /** Yearly salary in US dollars. */
  salaryUsd: number;
  /** Years at the current address. */
  yearsAtResidence: number;
  /** Years in the current job. */
  yearsInJob: number;
  /** The debt (credit) asked for, in US dollars. */
  debtUsd: number;
}

/** The applicant of the course's example. */
export const courseApplicant: Applicant = {
  age: 23,
  sex: 'male',
  salaryUsd: 30_000,
  yearsAtResidence: 1,
  yearsInJob: 1,
  debtUsd: 15_000,
};

/** Deutsche Mark per US dollar, the 1994 average (the data's year); used to convert the course's dollars. */
export const DM_PER_USD = 1.62;

/**
 * Maps the course's applicant onto German Credit's 20 attributes. Six facts map (age, sex, years
 * at residence, years in job, debt → credit amount, salary → installment rate); everything the
 * course does not say is ASSUMED: marital status 'single', duration the data's median, and every
 * other attribute the most common value among the given rows. Returns the row and, per attribute,
 * how it was obtained.
 */
export function applicantToRow(
  applicant: Applicant,
  reference: readonly GermanCreditRow[],
): {
  /** The applicant as a German Credit row. */
  row: GermanCreditRow;
  /** For each attribute, how its value was derived from the applicant. */
  provenance: Record<string, string>;
} {
  if (reference.length === 0)
    throw new ValueError('applicantToRow', 'needs reference rows for the assumed attributes');
  for (const [k, v] of Object.entries(applicant)) {
    if (k !== 'sex' && !(typeof v === 'number' && Number.isFinite(v) && v >= 0))
      throw new ValueError('applicantToRow', `${k} must be a number >= 0, got ${String(v)}`);
  }
  if (applicant.sex !== 'male' && applicant.sex !== 'female')
    throw new ValueError('applicantToRow', `sex must be 'male' or 'female', got '${String(applicant.sex)}'`);
  const provenance: Record<string, string> = {};
  const mode = (key: keyof GermanCreditRow) => {
    const counts = new Map<string, number>();
    for (const r of reference) counts.set(String(r[key]), (counts.get(String(r[key])) ?? 0) + 1);
    const best = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]![0];
    provenance[key] = `assumed: most common value (${best})`;
    return best;
  };
  const median = (key: keyof GermanCreditRow) => {
    const v = reference.map((r) => Number(r[key])).sort((a, b) => a - b);
    const m = v[Math.floor(v.length / 2)]!;
    provenance[key] = `assumed: median (${m})`;
    return m;
  };
  const duration = median('duration');
  const creditAmount = Math.round(applicant.debtUsd * DM_PER_USD);
  provenance.creditAmount = `from debt $${applicant.debtUsd} × ${DM_PER_USD} DM/$ = ${creditAmount} DM`;
  // Installment rate (german.doc: "in percentage of disposable income", coded 1–4, higher = heavier burden).
  const monthlyInstallment = applicant.debtUsd / duration;
  const share = monthlyInstallment / (applicant.salaryUsd / 12);
  const installmentRate = share < 0.2 ? 1 : share < 0.25 ? 2 : share < 0.35 ? 3 : 4;
  provenance.installmentRate = `from salary: $${monthlyInstallment.toFixed(0)}/month over ${duration} months is ${(share * 100).toFixed(0)}% of $${(applicant.salaryUsd / 12).toFixed(0)}/month → ${installmentRate} (band assumed: <20%, <25%, <35%, ≥35%)`;
  const employmentSince =
    applicant.yearsInJob < 1
      ? 'A72'
      : applicant.yearsInJob < 4
        ? 'A73'
        : applicant.yearsInJob < 7
          ? 'A74'
          : 'A75';
  provenance.employmentSince = `from ${applicant.yearsInJob} year(s) in the job → ${employmentSince}`;
  const personalStatusSex = applicant.sex === 'male' ? 'A93' : 'A92';
  provenance.personalStatusSex = `from sex ${applicant.sex}; marital status assumed single → ${personalStatusSex}`;
  const residenceSince = Math.min(4, Math.max(1, Math.round(applicant.yearsAtResidence)));
  provenance.residenceSince = `from ${applicant.yearsAtResidence} year(s) at the residence → ${residenceSince}`;
  provenance.age = `given: ${applicant.age}`;
  const row: GermanCreditRow = {
    checkingAccount: mode('checkingAccount'),
    duration,
    creditHistory: mode('creditHistory'),
    purpose: mode('purpose'),
    creditAmount,
    savings: mode('savings'),
    employmentSince,
    installmentRate,
    personalStatusSex,
    otherDebtors: mode('otherDebtors'),
    residenceSince,
    property: mode('property'),
    age: applicant.age,
    otherInstallmentPlans: mode('otherInstallmentPlans'),
    housing: mode('housing'),
    existingCredits: median('existingCredits'),
    job: mode('job'),
    peopleLiable: median('peopleLiable'),
    telephone: mode('telephone'),
    foreignWorker: mode('foreignWorker'),
  };
  return { row, provenance };
}

/** What {@link decideApplicant} decided, and why. */
export interface CreditDecision {
  /** Approve or reject. */
  decision: 'approve' | 'reject';
  /** p(good customer) from the network. */
  probability: number;
  /** The probability above which the application is approved. */
  threshold: number;
}

/** Approve when p(approve) exceeds the threshold (0.5 by default; COST_THRESHOLD minimizes the expected cost). */
export function decideApplicant(model: CreditModel, row: GermanCreditRow, threshold = 0.5): CreditDecision {
  const probability = approvalProbabilities(model, [row])[0]!;
  return { decision: probability > threshold ? 'approve' : 'reject', probability, threshold };
}

export type { TabularEncoderJSON };
