import { Random } from '@nabla/tensor';
import { GRADCHECK_ATOL, GRADCHECK_EPS, GRADCHECK_RTOL, gradcheck } from './gradcheck.js';
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
  /** Worst |analytic − numerical| / (atol + rtol·|numerical|): the share of the tolerance used (> 1 fails). */
  toleranceUsed: number;
  /** The step and tolerances the op was checked with. */
  eps: number;
  /** The absolute tolerance the op was checked with (see GradcheckOptions.atol). */
  atol: number;
  /** The relative tolerance the op was checked with (see GradcheckOptions.rtol). */
  rtol: number;
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
  // The op's own step and tolerances (with their reasons, in gradcheck-cases.ts), unless the caller sets them.
  const pick = (key: 'eps' | 'atol' | 'rtol', fallback: number) =>
    options[key] ?? entry.options?.[key] ?? fallback;
  const tolerance = {
    eps: pick('eps', GRADCHECK_EPS),
    atol: pick('atol', GRADCHECK_ATOL),
    rtol: pick('rtol', GRADCHECK_RTOL),
  };
  const row: GradcheckRow = {
    op: entry.op,
    cases: 0,
    maxAbsError: 0,
    maxRelError: 0,
    toleranceUsed: 0,
    ...tolerance,
    ok: true,
  };
  const draw = randomDraw(generator);
  for (let i = 0; i < cases; i++) {
    let description = '(not drawn)';
    try {
      const c = entry.draw(draw);
      description = c.description;
      const result = gradcheck(c.fn, c.inputs, tolerance);
      row.cases++;
      for (const e of result.inputs) {
        row.maxAbsError = Math.max(row.maxAbsError, e.maxAbsError);
        row.maxRelError = Math.max(row.maxRelError, e.maxRelError);
        row.toleranceUsed = Math.max(row.toleranceUsed, e.toleranceUsed);
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

const widths = [42, 6, 6, 6, 6, 12, 12, 6, 5];

function header(): string {
  const line = [
    'op'.padEnd(widths[0]!),
    'cases'.padStart(widths[1]!),
    'eps'.padStart(widths[2]!),
    'atol'.padStart(widths[3]!),
    'rtol'.padStart(widths[4]!),
    'max abs err'.padStart(widths[5]!),
    'max rel err'.padStart(widths[6]!),
    'used'.padStart(widths[7]!),
    'pass'.padStart(widths[8]!),
  ];
  return `${line.join('  ')}\n${'-'.repeat(widths.reduce((a, b) => a + b + 2, -2))}`;
}

/** `used`: the worst |a − n| / (atol + rtol·|n|), the share of the tolerance the op needed (> 1 fails). */
function formatRow(r: GradcheckRow): string {
  return [
    r.op.padEnd(widths[0]!),
    String(r.cases).padStart(widths[1]!),
    r.eps.toExponential(0).padStart(widths[2]!),
    r.atol.toExponential(0).padStart(widths[3]!),
    r.rtol.toExponential(0).padStart(widths[4]!),
    r.maxAbsError.toExponential(2).padStart(widths[5]!),
    r.maxRelError.toExponential(2).padStart(widths[6]!),
    r.toleranceUsed.toFixed(3).padStart(widths[7]!),
    (r.ok ? 'ok' : 'FAIL').padStart(widths[8]!),
  ].join('  ');
}

/** The suite's rows as the table `pnpm gradcheck` prints. */
export function formatGradcheckTable(rows: readonly GradcheckRow[]): string {
  return [header(), ...rows.map(formatRow)].join('\n');
}
