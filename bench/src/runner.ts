import { type LibId, libLabel } from './libs.js';
import { measure } from './measure.js';
import type { BenchOptions } from './options.js';
import { formatFigure } from './report-format.js';
import type { CaseResult, RowResult } from './results.js';

/** A library that cannot do a case's work, or a Nabla package that has not landed: the row reads n/a. */
export class Unavailable extends Error {
  override name = 'Unavailable';
}

/** What a contender's setup hands back: the call to time, and how to free what setup made. */
export interface Runnable {
  run: () => void;
  dispose?: () => void;
}

export interface Contender {
  lib: LibId;
  /** Builds inputs and the model outside the timing; throws Unavailable for n/a. */
  setup: () => Promise<Runnable> | Runnable;
  /** Why one call takes minutes: a --quick run skips the row (n/a) instead of waiting. */
  slow?: string;
}

export interface CaseSpec {
  name: string;
  unit: 'GFLOP/s' | 'img/s' | 's';
  work: string;
  /** Work per call in the unit's numerator (GFLOP or images); for 's' rows, ignored. */
  amount: number;
  contenders: Contender[];
  /** Budget multiplier for this case (long training steps get more). */
  budgetScale?: number;
}

function message(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.split('\n')[0]!.slice(0, 200);
}

/** Runs every contender of one case, one after another in this process, and prints each row as it lands. */
export async function runCase(spec: CaseSpec, options: BenchOptions): Promise<CaseResult> {
  const rows: RowResult[] = [];
  const budget = options.budget * (spec.budgetScale ?? 1);
  for (const c of spec.contenders) {
    if (options.libs && !options.libs.has(c.lib)) continue;
    let runnable: Runnable | null = null;
    let row: RowResult;
    try {
      if (options.quick && c.slow) throw new Unavailable(`skipped by --quick: ${c.slow}`);
      runnable = await c.setup();
      const m = await measure(`${spec.name} ${c.lib}`, runnable.run, budget);
      const figure = spec.unit === 's' ? m.seconds : spec.amount / m.seconds;
      row = { lib: c.lib, figure, measurement: m, status: 'ok', note: null };
    } catch (e) {
      const na = e instanceof Unavailable;
      row = { lib: c.lib, figure: null, measurement: null, status: na ? 'n/a' : 'error', note: message(e) };
    } finally {
      try {
        runnable?.dispose?.();
      } catch {
        // a failed dispose must not hide the row's own result
      }
    }
    rows.push(row);
    const shown =
      row.figure === null
        ? `${row.status}: ${row.note}`
        : `${formatFigure(row.figure)} ${spec.unit}  (${row.measurement!.samples} sample${row.measurement!.samples === 1 ? '' : 's'}` +
          `${row.measurement!.rme === null ? `, ${row.measurement!.method}` : `, ±${row.measurement!.rme.toFixed(1)}%`})`;
    console.log(`  ${spec.name.padEnd(56)} ${libLabel(c.lib).padEnd(11)} ${shown}`);
  }
  return { name: spec.name, unit: spec.unit, higherIsBetter: spec.unit !== 's', work: spec.work, rows };
}

export function selected(name: string, options: BenchOptions): boolean {
  return options.only === null || options.only.test(name);
}
