import type { LibId } from './libs.js';
import type { MachineInfo } from './machine.js';
import type { Measurement } from './measure.js';

/** One library's figure for one case, or why it has none. */
export interface RowResult {
  lib: LibId;
  /** In the case's unit; null when the row is not available or failed. */
  figure: number | null;
  measurement: Measurement | null;
  /** 'n/a: …' when the library cannot do this work or the Nabla package has not landed; 'error: …' when it threw. */
  status: 'ok' | 'n/a' | 'error';
  note: string | null;
}

/** One piece of work (matmul 512, LeNet training step, …) measured for every library side by side. */
export interface CaseResult {
  name: string;
  /** 'GFLOP/s', 'img/s', 's'. */
  unit: string;
  /** True for throughputs (ratio = Nabla ÷ peer); false for times (ratio = peer ÷ Nabla). Either way > 1 means Nabla is faster. */
  higherIsBetter: boolean;
  /** What one call does, e.g. '2·n³ = 2.1 GFLOP' or '128 images'. */
  work: string;
  rows: RowResult[];
}

export interface SuiteResult {
  suite: string;
  title: string;
  quick: boolean;
  machine: MachineInfo;
  /** Versions and settings of the peers as they ran (TF.js wasm: SIMD, threads). */
  peers: Record<string, string>;
  /** Nabla's own settings as they ran (backend name). */
  nabla: Record<string, string>;
  cases: CaseResult[];
  /** What differs between rows (missing kernels patched in, layers a peer lacks): read these before the ratios. */
  notes: string[];
  /** 1-minute load average when the suite finished. */
  loadAverageAfter: number;
}

/** Nabla's speed relative to a peer in the same run: > 1 means Nabla is faster. */
export function ratio(c: CaseResult, peer: RowResult): number | null {
  const nabla = c.rows.find((r) => r.lib === 'nabla');
  if (!nabla || nabla.figure === null || peer.figure === null || peer.figure === 0 || nabla.figure === 0)
    return null;
  return c.higherIsBetter ? nabla.figure / peer.figure : peer.figure / nabla.figure;
}
