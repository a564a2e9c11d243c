import { FormatError, ValueError } from '@nabla/tensor';
import type { ColumnSpec } from './tabular-encoder.js';

/**
 * The Statlog German Credit data (UCI; Prof. Hans Hofmann, Universität Hamburg; CC BY 4.0): 1,000
 * credit applications, 20 attributes and whether the customer turned out good (1) or bad (2).
 * Names and code meanings below are those of german.doc, bundled in datasets/german-credit/.
 */
export interface GermanCreditAttribute {
  /** The key of the attribute in a parsed row (camelCase). */
  key: keyof GermanCreditRow;
  /** The attribute's name in german.doc. */
  name: string;
  /** Whether the attribute is a number or a code. */
  kind: 'numeric' | 'categorical';
  /** For a categorical attribute: each code and its meaning in german.doc. */
  codes?: Readonly<Record<string, string>>;
}

// #region row
/**
 * One application, attributes in german.doc's order; categorical ones keep their codes (e.g. 'A11').
 * A type, not an interface, so that it is a TabularRow (interfaces have no index signature).
 */
export type GermanCreditRow = {
  /** A1: status of the existing checking account (A11–A14). */
  checkingAccount: string;
  /** A2: duration in months. */
  duration: number;
  /** A3: credit history (A30–A34). */
  creditHistory: string;
  /** A4: purpose (A40–A410). */
  purpose: string;
  /** A5: credit amount, in Deutsche Mark. */
  creditAmount: number;
  /** A6: savings account or bonds (A61–A65). */
  savings: string;
  /** A7: present employment since (A71–A75). */
  employmentSince: string;
  /** A8: installment rate in percent of disposable income. */
  installmentRate: number;
  /** A9: personal status and sex (A91–A95). */
  personalStatusSex: string;
  /** A10: other debtors or guarantors (A101–A103). */
  otherDebtors: string;
  /** A11: present residence since (years). */
  residenceSince: number;
  /** A12: property (A121–A124). */
  property: string;
  /** A13: age in years. */
  age: number;
  /** A14: other installment plans (A141–A143). */
  otherInstallmentPlans: string;
  /** A15: housing (A151–A153). */
  housing: string;
  /** A16: number of existing credits at this bank. */
  existingCredits: number;
  /** A17: job (A171–A174). */
  job: string;
  /** A18: number of people liable to provide maintenance for. */
  peopleLiable: number;
  /** A19: telephone (A191–A192). */
  telephone: string;
  /** A20: foreign worker (A201–A202). */
  foreignWorker: string;
};
// #endregion row

/** The 20 attributes of german.doc, in file order, with their codes' meanings. */
export const GERMAN_CREDIT_ATTRIBUTES: readonly GermanCreditAttribute[] = [
  {
    key: 'checkingAccount',
    name: 'Status of existing checking account',
    kind: 'categorical',
    codes: {
      A11: '... < 0 DM',
      A12: '0 <= ... < 200 DM',
      A13: '... >= 200 DM / salary assignments for at least 1 year',
      A14: 'no checking account',
    },
  },
  { key: 'duration', name: 'Duration in month', kind: 'numeric' },
  {
    key: 'creditHistory',
    name: 'Credit history',
    kind: 'categorical',
    codes: {
      A30: 'no credits taken/ all credits paid back duly',
      A31: 'all credits at this bank paid back duly',
      A32: 'existing credits paid back duly till now',
      A33: 'delay in paying off in the past',
      A34: 'critical account/ other credits existing (not at this bank)',
    },
  },
  {
    key: 'purpose',
    name: 'Purpose',
    kind: 'categorical',
    codes: {
      A40: 'car (new)',
      A41: 'car (used)',
      A42: 'furniture/equipment',
      A43: 'radio/television',
      A44: 'domestic appliances',
      A45: 'repairs',
      A46: 'education',
      A47: '(vacation - does not exist?)',
      A48: 'retraining',
      A49: 'business',
      A410: 'others',
    },
  },
  { key: 'creditAmount', name: 'Credit amount', kind: 'numeric' },
  {
    key: 'savings',
    name: 'Savings account/bonds',
    kind: 'categorical',
    codes: {
      A61: '... < 100 DM',
      A62: '100 <= ... < 500 DM',
      A63: '500 <= ... < 1000 DM',
      A64: '.. >= 1000 DM',
      A65: 'unknown/ no savings account',
    },
  },
  {
    key: 'employmentSince',
    name: 'Present employment since',
    kind: 'categorical',
    codes: {
      A71: 'unemployed',
      A72: '... < 1 year',
      A73: '1 <= ... < 4 years',
      A74: '4 <= ... < 7 years',
      A75: '.. >= 7 years',
    },
  },
  { key: 'installmentRate', name: 'Installment rate in percentage of disposable income', kind: 'numeric' },
  {
    key: 'personalStatusSex',
    name: 'Personal status and sex',
    kind: 'categorical',
    codes: {
      A91: 'male : divorced/separated',
      A92: 'female : divorced/separated/married',
      A93: 'male : single',
      A94: 'male : married/widowed',
      A95: 'female : single',
    },
  },
  {
    key: 'otherDebtors',
    name: 'Other debtors / guarantors',
    kind: 'categorical',
    codes: { A101: 'none', A102: 'co-applicant', A103: 'guarantor' },
  },
  { key: 'residenceSince', name: 'Present residence since', kind: 'numeric' },
  {
    key: 'property',
    name: 'Property',
    kind: 'categorical',
    codes: {
      A121: 'real estate',
      A122: 'if not A121 : building society savings agreement/ life insurance',
      A123: 'if not A121/A122 : car or other, not in attribute 6',
      A124: 'unknown / no property',
    },
  },
  { key: 'age', name: 'Age in years', kind: 'numeric' },
  {
    key: 'otherInstallmentPlans',
    name: 'Other installment plans',
    kind: 'categorical',
    codes: { A141: 'bank', A142: 'stores', A143: 'none' },
  },
  {
    key: 'housing',
    name: 'Housing',
    kind: 'categorical',
    codes: { A151: 'rent', A152: 'own', A153: 'for free' },
  },
  { key: 'existingCredits', name: 'Number of existing credits at this bank', kind: 'numeric' },
  {
    key: 'job',
    name: 'Job',
    kind: 'categorical',
    codes: {
      A171: 'unemployed/ unskilled - non-resident',
      A172: 'unskilled - resident',
      A173: 'skilled employee / official',
      A174: 'management/ self-employed/ highly qualified employee/ officer',
    },
  },
  { key: 'peopleLiable', name: 'Number of people being liable to provide maintenance for', kind: 'numeric' },
  {
    key: 'telephone',
    name: 'Telephone',
    kind: 'categorical',
    codes: { A191: 'none', A192: "yes, registered under the customer's name" },
  },
  {
    key: 'foreignWorker',
    name: 'foreign worker',
    kind: 'categorical',
    codes: { A201: 'yes', A202: 'no' },
  },
];

/** Labels: german.doc's class 1 (good) is 1 = approve, class 2 (bad) is 0 = reject. */
export const APPROVE = 1;
/** The label of a rejected application (german.doc's class 2, bad). */
export const REJECT = 0;

// #region cost
/**
 * german.doc's cost matrix, rows the actual class and columns the predicted one (1 good, 2 bad):
 * approving a bad customer costs 5, rejecting a good one costs 1, a right decision costs 0.
 */
export const GERMAN_CREDIT_COST = {
  /** The cost of approving a bad customer. */
  badApproved: 5,
  /** The cost of rejecting a good customer. */
  goodRejected: 1,
} as const;
// #endregion cost

/**
 * The total cost of decisions under german.doc's cost matrix (labels and predictions: 1 approve,
 * 0 reject). Divide by the count for the average cost per applicant.
 */
export function germanCreditCost(labels: Int32Array, predictions: ArrayLike<number>): number {
  if (labels.length !== predictions.length) {
    throw new ValueError('germanCreditCost', `${labels.length} labels but ${predictions.length} predictions`);
  }
  let cost = 0;
  for (let i = 0; i < labels.length; i++) {
    const [y, p] = [labels[i]!, predictions[i]!];
    if ((y !== APPROVE && y !== REJECT) || (p !== APPROVE && p !== REJECT)) {
      throw new ValueError(
        'germanCreditCost',
        `entry ${i}: label ${y}, prediction ${p}; both must be 1 (approve) or 0 (reject)`,
      );
    }
    if (y === REJECT && p === APPROVE) cost += GERMAN_CREDIT_COST.badApproved;
    else if (y === APPROVE && p === REJECT) cost += GERMAN_CREDIT_COST.goodRejected;
  }
  return cost;
}

/** The German Credit data: 1,000 applications and their labels. */
export interface GermanCredit {
  /** The applications, in file order. */
  rows: GermanCreditRow[];
  /** 1 = good (approve), 0 = bad (reject). */
  labels: Int32Array;
}

/**
 * Parses german.data: one application per line, 20 space-separated attributes and the class. The
 * class is 1 for good and, for bad, 2 in german.doc and UCI's file but 0 in the copy bundled here
 * (see its README); either coding is read, a file mixing 0 and 2 is refused. Also refused, with a
 * FormatError naming the line: a wrong number of fields, a code that german.doc does not list for
 * its attribute, and a number that is not a non-negative integer.
 */
export function parseGermanCredit(text: string, source = 'german.data'): GermanCredit {
  const rows: GermanCreditRow[] = [];
  const labels: number[] = [];
  const lines = text.split(/\r?\n/);
  let badCode: string | null = null;
  lines.forEach((line, n) => {
    if (line.trim() === '') return;
    const where = `line ${n + 1}`;
    const fields = line.trim().split(/\s+/);
    if (fields.length !== GERMAN_CREDIT_ATTRIBUTES.length + 1) {
      throw new FormatError(
        source,
        `${where}: expected ${GERMAN_CREDIT_ATTRIBUTES.length + 1} fields, got ${fields.length}`,
      );
    }
    const row: Record<string, string | number> = {};
    GERMAN_CREDIT_ATTRIBUTES.forEach((a, k) => {
      const field = fields[k]!;
      if (a.kind === 'numeric') {
        if (!/^\d+$/.test(field)) {
          throw new FormatError(
            source,
            `${where}: attribute ${k + 1} (${a.name}) must be a non-negative integer, got '${field}'`,
          );
        }
        row[a.key] = Number(field);
      } else {
        if (!Object.hasOwn(a.codes!, field)) {
          throw new FormatError(
            source,
            `${where}: attribute ${k + 1} (${a.name}) has code '${field}', expected one of ${Object.keys(a.codes!).join(', ')}`,
          );
        }
        row[a.key] = field;
      }
    });
    const cls = fields[GERMAN_CREDIT_ATTRIBUTES.length]!;
    if (cls !== '1' && cls !== '2' && cls !== '0') {
      throw new FormatError(source, `${where}: class must be 1 (good) or 2 or 0 (bad), got '${cls}'`);
    }
    if (cls !== '1') {
      if (badCode !== null && cls !== badCode) {
        throw new FormatError(source, `${where}: class ${cls} for bad, but earlier lines used ${badCode}`);
      }
      badCode = cls;
    }
    rows.push(row as unknown as GermanCreditRow);
    labels.push(cls === '1' ? APPROVE : REJECT);
  });
  if (rows.length === 0) throw new FormatError(source, 'holds no applications');
  return { rows, labels: Int32Array.from(labels) };
}

/**
 * The TabularEncoder columns for German Credit: the 7 numeric attributes standardized, the 13
 * categorical ones one-hot over every code german.doc lists (so a code that happens to be missing
 * from a training fold, or from the data altogether such as A47, still has its column).
 */
export function germanCreditColumns(): ColumnSpec[] {
  return GERMAN_CREDIT_ATTRIBUTES.map((a) =>
    a.kind === 'numeric'
      ? { name: a.key, kind: 'numeric' }
      : { name: a.key, kind: 'categorical', categories: Object.keys(a.codes!) },
  );
}
