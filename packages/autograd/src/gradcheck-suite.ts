import { Random } from '@nabla/tensor';
import { gradcheck } from './gradcheck.js';
import { gradcheckCases, type OpCases, randomDraw } from './gradcheck-cases.js';

/** One row of the gradient-check table: an op and its worst errors over the drawn cases. */
export interface GradcheckRow {
  /** The op's name. */
  op: string;
  /** Drawn cases checked. */
  cases: number;
  /** Worst |analytic − numerical| over every case and input. */
  maxAbsError: number;
  /** Worst |analytic − numerical| / max(|numerical|, atol). */
  maxRelError: number;
  /** Whether every case passed. */
  ok: boolean;
  /** The first failing case (its drawn shapes and options, or the error it threw). */
  failure?: string;
}

/** Options of {@link runGradcheckSuite}. */
export interface GradcheckSuiteOptions {
  /** Cases drawn per op (default 5). */
  casesPerOp?: number;
  /** Seed of the draws; the same seed checks the same cases. */
  seed?: number;
  /** Only the ops whose name contains one of these strings. */
  only?: readonly string[];
  /** Receives the table, one line at a time (nothing is printed otherwise). */
  log?: (line: string) => void;
  /** Finite-difference step (default 1e-6). */
  eps?: number;
  /** Absolute tolerance (default 1e-5). */
  atol?: number;
  /** Relative tolerance (default 1e-3). */
  rtol?: number;
}

/**
 * The gradient-check suite behind `pnpm gradcheck` and `nabla gradcheck`: for every differentiable
 * op and a few composite networks, draws cases (shapes, options, values) from a seeded generator and
 * compares autograd's gradients with float64 central differences. Returns one row per op.
 */
export function runGradcheckSuite(options: GradcheckSuiteOptions = {}): GradcheckRow[] {
  const { casesPerOp = 5, seed = 0, only, log } = options;
  const selected = only ? gradcheckCases.filter((c) => only.some((s) => c.op.includes(s))) : gradcheckCases;
  const rows: GradcheckRow[] = [];
  if (log) log(header());
  selected.forEach((entry, k) => {
    const row = checkOp(entry, casesPerOp, new Random(seed * 7919 + k), options);
    rows.push(row);
    if (log) log(formatRow(row));
  });
  if (log) {
    const failed = rows.filter((r) => !r.ok);
    log(
      `${rows.length - failed.length}/${rows.length} ops pass${failed.length ? `; failed: ${failed.map((r) => r.op).join(', ')}` : ''}`,
    );
    for (const r of failed) log(`  ${r.op}: ${r.failure}`);
  }
  return rows;
}

function checkOp(
  entry: OpCases,
  cases: number,
  generator: Random,
  options: GradcheckSuiteOptions,
): GradcheckRow {
  const row: GradcheckRow = { op: entry.op, cases: 0, maxAbsError: 0, maxRelError: 0, ok: true };
  const draw = randomDraw(generator);
  for (let i = 0; i < cases; i++) {
    let description = '(not drawn)';
    try {
      const c = entry.draw(draw);
      description = c.description;
      const result = gradcheck(c.fn, c.inputs, options);
      row.cases++;
      for (const e of result.inputs) {
        row.maxAbsError = Math.max(row.maxAbsError, e.maxAbsError);
        row.maxRelError = Math.max(row.maxRelError, e.maxRelError);
      }
      if (!result.ok && row.ok) {
        row.ok = false;
        row.failure = description;
      }
    } catch (error) {
      row.cases++;
      if (row.ok) row.failure = `${description}: ${error instanceof Error ? error.message : String(error)}`;
      row.ok = false;
    }
  }
  return row;
}

const widths = [42, 6, 12, 12, 5];

function header(): string {
  const line = [
    'op'.padEnd(widths[0]!),
    'cases'.padStart(widths[1]!),
    'max abs err'.padStart(widths[2]!),
    'max rel err'.padStart(widths[3]!),
    'pass'.padStart(widths[4]!),
  ];
  return `${line.join('  ')}\n${'-'.repeat(widths.reduce((a, b) => a + b + 2, -2))}`;
}

function formatRow(r: GradcheckRow): string {
  return [
    r.op.padEnd(widths[0]!),
    String(r.cases).padStart(widths[1]!),
    r.maxAbsError.toExponential(2).padStart(widths[2]!),
    r.maxRelError.toExponential(2).padStart(widths[3]!),
    (r.ok ? 'ok' : 'FAIL').padStart(widths[4]!),
  ].join('  ');
}

/** The suite's rows as the table `pnpm gradcheck` prints. */
export function formatGradcheckTable(rows: readonly GradcheckRow[]): string {
  return [header(), ...rows.map(formatRow)].join('\n');
}
