import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { readCheckpoint } from './checkpoint.js';
import {
  type CliResult,
  cliCommand,
  mnistSlice,
  runNabla,
  tempDir,
  writeIdxPair,
} from './testing/fixtures.js';

// Ctrl-C as a user presses it: SIGINT to a training child once its first iteration is printed.
const dir = tempDir('nabla-sigint-');
after(() => {
  if (!process.env.NABLA_KEEP_TEST_FILES) rmSync(dir, { recursive: true, force: true });
});
const trainSet = writeIdxPair(dir, 'train', mnistSlice(0, 384));
const testSet = writeIdxPair(dir, 'test', mnistSlice(5000, 50));
// 12 mini-batches an epoch, 2 epochs: the signal lands in the first epoch, where no epoch-end
// checkpoint exists yet, so the one written at the stop is all there is to resume from.
const recipe = [
  ...['--train-images', trainSet.images, '--train-labels', trainSet.labels],
  ...['--test-images', testSet.images, '--test-labels', testSet.labels],
  ...['--train-size', '384', '--val-size', '0', '--batch-size', '32', '--epochs', '2'],
  ...['--seed', '5', '--threads', '1', '--backend', 'cpu'],
];

/** Runs `nabla …args`, sends SIGINT once stdout matches `when`, and collects what it printed. */
function interruptWhen(args: string[], when: RegExp, delayMs = 0): Promise<CliResult & { sent: boolean }> {
  const c = cliCommand(args);
  const child = spawn(c.command, c.args, { cwd: c.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let sent = false;
  child.stdout.on('data', (d) => {
    stdout += d;
    if (!sent && when.test(stdout)) {
      sent = true;
      setTimeout(() => child.kill('SIGINT'), delayMs);
    }
  });
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr, sent }));
  });
}

test('Ctrl-C during train: exit 130, a checkpoint of that instant, a resume line that works and ends bit-identical', async () => {
  const full = join(dir, 'uninterrupted');
  const stopped = join(dir, 'stopped');
  const [a, b] = await Promise.all([
    runNabla(['train', 'lenet', ...recipe, '--out', full, '--quiet']),
    // stdout is a pipe, so the Matlab table is printed: its first row is iteration 1.
    // --backend and --verbose are not kept by the checkpoint: the resume line repeats them.
    interruptWhen(['train', 'lenet', ...recipe, '--out', stopped, '--verbose'], /^\|\s+1 \|\s+1 \|/m),
  ]);
  assert.equal(a.code, 0, a.stderr);
  assert.ok(b.sent, `no first iteration seen:\n${b.stdout}\n${b.stderr}`);
  assert.equal(b.code, 130, `exit code 130 after SIGINT; stderr:\n${b.stderr}`);
  assert.match(b.stderr, /stopping after this mini-batch/);
  const at = /interrupted at iteration (\d+) of 24 \(0 of 2 epochs done\); checkpoint saved in (.+)$/m.exec(
    b.stderr,
  );
  assert.ok(at, b.stderr);
  assert.equal(at[2], stopped);
  // No model is written for a run that did not finish; the checkpoint holds the stop's instant.
  assert.equal(existsSync(join(stopped, 'model.safetensors')), false);
  const checkpoint = await readCheckpoint(stopped);
  assert.equal(checkpoint.snapshot.iteration, Number(at[1]));
  assert.ok(checkpoint.snapshot.epochOrder, 'a mid-epoch checkpoint keeps the epoch’s order');

  const line = /^resume with: (.+)$/m.exec(b.stderr);
  assert.ok(line, b.stderr);
  const words = line[1]!.split(' ');
  assert.deepEqual(words, ['nabla', 'train', 'lenet', '--resume', stopped, '--backend', 'cpu', '--verbose']);
  const resumed = await runNabla(words.slice(1));
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.deepEqual(
    readFileSync(join(stopped, 'model.safetensors')),
    readFileSync(join(full, 'model.safetensors')),
    'the resumed run ends with the uninterrupted run’s weights, bit for bit',
  );
});

test('Ctrl-C during finetune: exit 130, nothing half-written, the command to run again', async () => {
  const out = join(dir, 'finetuned');
  const r = await interruptWhen(
    ['finetune', '--from', join(dir, 'uninterrupted'), '--out', out, '--per-class', '10', '--epochs', '200'],
    /^finetuning /m,
    300,
  );
  assert.ok(r.sent, `${r.stdout}\n${r.stderr}`);
  assert.equal(r.code, 130, r.stderr);
  assert.match(r.stderr, /interrupted at iteration \d+ of 200; finetune keeps no checkpoint/);
  assert.match(
    r.stderr,
    /^run it again with: nabla finetune --from \S+ --out \S+ --per-class 10 --epochs 200$/m,
  );
  assert.equal(existsSync(join(out, 'model.safetensors')), false);
});

test('Ctrl-C typed in a terminal: the progress bar stops and the cursor it hid comes back', async () => {
  // A real pseudo-terminal (util-linux script): the bar is drawn, and ^C typed on it reaches the
  // run as the terminal's SIGINT, as when a person presses Ctrl-C.
  const c = cliCommand(['train', 'lenet', ...recipe, '--out', join(dir, 'tty')]);
  const line = [c.command, ...c.args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const child = spawn('script', ['-qfec', line, '/dev/null'], {
    cwd: c.cwd,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let sent = false;
  child.stdout.on('data', (d) => {
    out += d;
    if (!sent && /\| [1-9]\d*\/24 it \|/.test(out)) {
      sent = true;
      child.stdin.write('\u0003');
    }
  });
  child.stderr.on('data', (d) => (out += d));
  // A run that never ends (a bar left running keeps Node alive) fails here instead of hanging:
  // killing script closes the terminal, and the run gets its SIGHUP.
  const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  }).finally(() => clearTimeout(timer));
  assert.ok(sent, out);
  assert.equal(code, 130, out);
  const hidden = out.indexOf('\u001b[?25l');
  const shown = out.lastIndexOf('\u001b[?25h');
  assert.ok(hidden >= 0, 'the bar hid the cursor');
  assert.ok(shown > hidden, 'the cursor is shown again after the bar stopped');
  assert.ok(shown < out.indexOf('resume with: nabla train lenet --resume '), out);
});
