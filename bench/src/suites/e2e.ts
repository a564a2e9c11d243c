import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { getBackend } from '@nabla/tensor';
import { machineInfo } from '../machine.js';
import type { BenchOptions } from '../options.js';
import { nablaSettings } from '../peers/nabla.js';
import type { CaseResult, RowResult } from '../results.js';
import type { SuiteResult } from '../results.js';

const ROOT = path.resolve(import.meta.dirname, '..', '..', '..');
const CLI = path.join(ROOT, 'packages', 'cli', 'src', 'main.ts');

function run(args: string[], timeoutSeconds: number): Promise<{ seconds: number; output: string }> {
  const start = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    // Exactly the README's command: `pnpm nabla …` checks the build (turbo, cached after the first
    // run) and runs the compiled CLI, as a user's run does — not the sources through tsx.
    execFile(
      'pnpm',
      ['--silent', 'nabla', ...args],
      {
        cwd: ROOT,
        timeout: timeoutSeconds * 1000,
        maxBuffer: 64 * 2 ** 20,
        env: { ...process.env, NO_COLOR: '1' },
      },
      (error, stdout, stderr) => {
        const output = `${stdout}\n${stderr}`;
        if (error) reject(new Error(`${error.message.split('\n')[0]} — ${lastLine(output)}`));
        else resolve({ seconds: Number(process.hrtime.bigint() - start) / 1e9, output });
      },
    );
  });
}

function lastLine(text: string): string {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  return (lines.at(-1) ?? '').slice(0, 200);
}

/** The run's accuracy line if it printed one, else its last line. */
function summaryLine(text: string): string {
  const lines = text.split('\n').map((l) => l.trim());
  return (lines.filter((l) => /accuracy/i.test(l)).at(-1) ?? lastLine(text)).slice(0, 200);
}

/**
 * The README's main job, end to end, as a user runs it: `nabla train lenet` (3 epochs over 7,500
 * MNIST digits) in a child process, timed on the wall clock from start to exit, data loading and
 * evaluation included. One run: it is minutes long, and not a benchmark.js sample.
 */
export async function e2eSuite(options: BenchOptions): Promise<SuiteResult> {
  const machine = machineInfo();
  const quick = options.quick;
  const name = quick
    ? 'nabla train lenet --epochs 1 --train-size 1280 (quick)'
    : 'nabla train lenet (3 epochs × 7,500)';
  const args = [
    'train',
    'lenet',
    '--quiet',
    ...(quick ? ['--epochs', '1', '--train-size', '1280', '--val-size', '256'] : []),
  ];
  let row: RowResult;
  if (!existsSync(CLI)) {
    row = {
      lib: 'nabla',
      figure: null,
      measurement: null,
      status: 'n/a',
      note: '@nabla/cli has not landed (packages/cli/src/main.ts)',
    };
  } else {
    const out = mkdtempSync(path.join(os.tmpdir(), 'nabla-bench-e2e-'));
    try {
      console.log(`\ne2e: ${name}`);
      const r = await run([...args, '--out', out], quick ? 600 : 3600);
      row = {
        lib: 'nabla',
        figure: r.seconds,
        measurement: { seconds: r.seconds, rme: null, samples: 1, fastest: r.seconds, method: 'one run' },
        status: 'ok',
        note: summaryLine(r.output),
      };
    } catch (e) {
      row = {
        lib: 'nabla',
        figure: null,
        measurement: null,
        status: 'error',
        note: e instanceof Error ? e.message : String(e),
      };
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
    console.log(
      `  ${name}: ${row.figure === null ? `${row.status}: ${row.note}` : `${row.figure.toFixed(1)} s — ${row.note}`}`,
    );
  }
  const c: CaseResult = { name, unit: 's', higherIsBetter: false, work: args.join(' '), rows: [row] };
  return {
    suite: 'e2e',
    title: "The README's main job end to end (wall seconds, lower is better)",
    quick,
    machine,
    peers: {},
    nabla: { ...nablaSettings(getBackend().name), command: `pnpm nabla ${args.join(' ')}` },
    cases: [c],
    notes: [
      'Wall time of the whole command in a child process: start-up, reading MNIST, training, validation, the test-set evaluation and writing the model.',
      "Issue 8's peer figures from other machines of this kind (not this run): TF.js wasm ≈ 75 s of training, TF.js cpu ≈ 1–2 h, PyTorch ≈ 6 s of training; target ≤ 90 s wall.",
      ...(row.note && row.status === 'ok' ? [`Its last line of output: ${row.note}`] : []),
    ],
    loadAverageAfter: Math.round(os.loadavg()[0]! * 100) / 100,
  };
}
