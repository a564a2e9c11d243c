/**
 * Runs the CLI in a child process under watch: its peak resident memory (GNU time's %M where
 * /usr/bin/time exists, else the kernel's VmHWM polled from /proc), and a time bound used only as
 * a timeout (never asserted as a speed). A child whose resident memory passes `killAboveMB` is
 * killed at once, so a case that would eat the machine's memory is stopped and reported.
 */
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { cliCommand, tempDir } from './fixtures.js';

export interface BoundedResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Peak resident set of the CLI process, in MB. */
  peakMB: number;
  /** Why the watcher stopped it ('timeout', 'memory'), or null when it ended by itself. */
  killed: 'timeout' | 'memory' | null;
  seconds: number;
}

const GNU_TIME = '/usr/bin/time';
const HAS_GNU_TIME = existsSync(GNU_TIME);

/** The kB value of a field (VmHWM, VmRSS) in /proc/<pid>/status, or 0 once the process is gone. */
function statusKB(pid: number, field: string): number {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** The node process: the child itself, or GNU time's only child. */
function nodePid(pid: number): number | null {
  if (!HAS_GNU_TIME) return pid;
  try {
    const kids = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/);
    return kids[0] ? Number(kids[0]) : null;
  } catch {
    return null;
  }
}

export function runBounded(
  args: readonly string[],
  options: { timeoutSeconds: number; killAboveMB: number; uid?: number; gid?: number },
): Promise<BoundedResult> {
  const c = cliCommand(args);
  const scratch = tempDir('nabla-time-');
  chmodSync(scratch, 0o777); // GNU time writes here as the child's user
  const timeFile = join(scratch, 'rss');
  const [command, argv] = HAS_GNU_TIME
    ? [GNU_TIME, ['-f', '%M', '-o', timeFile, c.command, ...c.args]]
    : [c.command, c.args];
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, argv, {
      cwd: c.cwd,
      env: { ...process.env, NABLA_DEBUG: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(options.uid !== undefined ? { uid: options.uid, gid: options.gid } : {}),
    });
    let stdout = '';
    let stderr = '';
    let peakKB = 0;
    let killed: BoundedResult['killed'] = null;
    // Output is kept to its first megabyte: an unbounded message must not flood the test itself.
    child.stdout.on('data', (d) => {
      if (stdout.length < 2 ** 20) stdout += d;
    });
    child.stderr.on('data', (d) => {
      if (stderr.length < 2 ** 20) stderr += d;
    });
    const stop = (why: 'timeout' | 'memory') => {
      if (killed) return;
      killed = why;
      const pid = child.pid === undefined ? null : nodePid(child.pid);
      if (pid) process.kill(pid, 'SIGKILL');
      child.kill('SIGKILL');
    };
    const watch = setInterval(() => {
      const pid = child.pid === undefined ? null : nodePid(child.pid);
      if (!pid) return;
      peakKB = Math.max(peakKB, statusKB(pid, 'VmHWM'));
      if (statusKB(pid, 'VmRSS') > options.killAboveMB * 1024) stop('memory');
    }, 50);
    const timer = setTimeout(() => stop('timeout'), options.timeoutSeconds * 1000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearInterval(watch);
      clearTimeout(timer);
      if (HAS_GNU_TIME) {
        try {
          // GNU time writes "Command terminated by signal 9" before the number when it was killed.
          const lines = readFileSync(timeFile, 'utf8').trim().split('\n');
          peakKB = Math.max(peakKB, Number(lines[lines.length - 1]) || 0);
        } catch {
          // No report (time itself was killed): the polled figure stands.
        }
      }
      rmSync(scratch, { recursive: true, force: true });
      // GNU time exits with the child's status; a child killed by a signal shows as 128 + n.
      resolve({
        code: killed ? null : code,
        signal,
        stdout,
        stderr,
        peakMB: peakKB / 1024,
        killed,
        seconds: (performance.now() - started) / 1000,
      });
    });
  });
}
