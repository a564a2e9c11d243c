import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { threadCount } from '@nabla/tensor/node';

/** Where and when figures were measured: ratios travel between machines, absolute figures do not. */
export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  v8: string;
  platform: string;
  date: string;
  /** 1-minute load average when the suite started: above ~1 the machine was shared during the run. */
  loadAverage: number;
  /** The commit the figures were measured at (with "+dirty" when the code had uncommitted changes). */
  commit: string;
  /** Threads Nabla's kernels ran on (NABLA_THREADS; peers run as they ship). */
  threads: number;
}

function commit(): string {
  try {
    const git = (args: string[]) =>
      execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    // The results this run writes (bench/results/) do not make the code it measures dirty.
    const dirty =
      git(['status', '--porcelain', '--untracked-files=no', '--', ':(top)', ':(top,exclude)bench/results']) !== '';
    return `${git(['rev-parse', 'HEAD'])}${dirty ? '+dirty' : ''}`;
  } catch {
    return 'unknown';
  }
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    v8: process.versions.v8,
    platform: `${os.platform()} ${os.arch()}`,
    date: new Date().toISOString(),
    loadAverage: Math.round(os.loadavg()[0]! * 100) / 100,
    commit: commit(),
    threads: threadCount(),
  };
}
