import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { dirname, resolve } from 'node:path';
import { mkdirSync } from 'node:fs';
import { writeFileAtomicSync } from '@nabla/io/node';
import { getBackend } from '@nabla/tensor';

/**
 * Where a published figure came from: the command that produced it, the commit it ran at, the
 * threads and the machine. Every table row in README.md and docs/results.md points to one of these
 * files (docs/results/*.json), so a reader can rerun the command and compare.
 */
export interface Provenance {
  command: string;
  commit: string;
  /** True when the working tree had uncommitted changes: such a figure is not citable. */
  dirty: boolean;
  threads: number;
  backend: string;
  machine: { cpu: string; cores: number; memoryGiB: number; node: string; platform: string };
  date: string;
}

function git(args: string[]): string {
  try {
    return execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unknown';
  }
}

export function provenance(command: string, threads: number): Provenance {
  const cpus = os.cpus();
  const backend = getBackend();
  return {
    command,
    commit: git(['rev-parse', 'HEAD']),
    dirty: git(['status', '--porcelain', '--untracked-files=no']) !== '',
    threads,
    backend: `${backend.name} (${backend.kernel})`,
    machine: {
      cpu: cpus[0]?.model.trim() ?? 'unknown',
      cores: cpus.length,
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
      platform: `${os.platform()} ${os.arch()}`,
    },
    date: new Date().toISOString(),
  };
}

/** Writes `{ provenance, ...figures }` as pretty JSON, atomically (temp file + rename). */
export function writeResultsFile(path: string, command: string, threads: number, figures: object): string {
  const full = resolve(process.env.INIT_CWD ?? process.cwd(), path);
  mkdirSync(dirname(full), { recursive: true });
  const record = { provenance: provenance(command, threads), ...figures };
  writeFileAtomicSync(full, new TextEncoder().encode(`${JSON.stringify(record, null, 2)}\n`));
  return full;
}
