/**
 * The course's LeNet flow, measured: the committed results of example 5 (docs/results/lenet-*.json,
 * written by `pnpm --filter @nabla/examples lenet -- … --json …`) beside the PyTorch reference run
 * with the same recipe (interop/lenet_reference.py). Nothing is trained here: training three seeds
 * takes minutes, so the page shows the committed runs, with the command and commit each records.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type MeanAndStd, meanAndStd } from '@nabla/models';

/** docs/results/ of this checkout. */
export const RESULTS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../docs/results');

/** The four committed runs: Nabla and PyTorch, the course's 7,500 digits and all 60,000. */
export const LENET_RESULT_FILES = [
  'lenet-course',
  'pytorch-lenet-course',
  'lenet-full',
  'pytorch-lenet-full',
] as const;

export interface LenetRunRow {
  seed: number;
  validationAccuracy: number | null;
  testAccuracy: number;
  examplesPerSecond: number;
}

export interface LenetResultFile {
  provenance: {
    command: string;
    commit: string;
    dirty: boolean;
    threads: number;
    backend?: string;
    machine: { cpu: string; cores: number };
    date: string;
  };
  recipe: Record<string, unknown>;
  rows: LenetRunRow[];
  testAccuracy: MeanAndStd;
  validationAccuracy: MeanAndStd | null;
}

export interface LenetResults {
  files: Record<(typeof LENET_RESULT_FILES)[number], LenetResultFile>;
  /** Mean ± sd recomputed here from each file's rows (the test checks they equal the file's). */
  recomputed: Record<
    (typeof LENET_RESULT_FILES)[number],
    { test: MeanAndStd; validation: MeanAndStd | null }
  >;
}

export function lenetResults(dir = RESULTS_DIR): LenetResults {
  const files = Object.fromEntries(
    LENET_RESULT_FILES.map((name) => [
      name,
      JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as LenetResultFile,
    ]),
  ) as LenetResults['files'];
  const recomputed = Object.fromEntries(
    LENET_RESULT_FILES.map((name) => {
      const rows = files[name].rows;
      const validation = rows.every((r) => r.validationAccuracy !== null)
        ? meanAndStd(rows.map((r) => r.validationAccuracy!))
        : null;
      return [name, { test: meanAndStd(rows.map((r) => r.testAccuracy)), validation }];
    }),
  ) as LenetResults['recomputed'];
  return { files, recomputed };
}
