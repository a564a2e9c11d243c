import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type { Command } from 'commander';
import { buildProgram } from './program.js';
import { runNabla, tempDir } from './testing/fixtures.js';

const dir = tempDir('nabla-cli-');
after(() => rmSync(dir, { recursive: true, force: true }));

/** Every command of the program, depth first, with its full name ('train lenet'). */
function commands(cmd: Command, prefix = ''): [string, Command][] {
  return cmd.commands.flatMap((c) => {
    const name = `${prefix}${c.name()}`;
    return [[name, c] as [string, Command], ...commands(c, `${name} `)];
  });
}

test('every command has --help describing what it does and each of its flags', () => {
  const all = new Map(commands(buildProgram()));
  for (const name of [
    'train',
    'train lenet',
    'train mlp',
    'evaluate',
    'classify',
    'summary',
    'gradcheck',
    'credit',
  ]) {
    const c = all.get(name);
    assert.ok(c, `command ${name}`);
    assert.ok(c.description().length > 20, `${name} has a description`);
    const help = c.helpInformation();
    assert.match(help, /-h, --help/);
    for (const option of c.options)
      assert.ok(option.description.length > 5, `${name} ${option.flags} is described`);
  }
  const lenetHelp = all.get('train lenet')!.helpInformation();
  for (const flag of [
    '--epochs',
    '--train-size',
    '--val-size',
    '--full',
    '--batch-size',
    '--lr',
    '--seed',
    '--backend',
    '--out',
    '--resume',
  ]) {
    assert.ok(lenetHelp.includes(flag), `train lenet --help lists ${flag}`);
  }
  for (const flag of [
    '--train-images',
    '--train-labels',
    '--test-images',
    '--test-labels',
    '--verbose',
    '--quiet',
  ]) {
    assert.ok(lenetHelp.includes(flag), `train lenet --help lists ${flag}`);
  }
});

describe('nabla as a user runs it', { concurrency: 3 }, () => {
  test('--help exits 0 and a missing subcommand exits 2', async () => {
    const help = await runNabla(['train', 'lenet', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Usage: nabla train lenet/);
    const none = await runNabla(['train']);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /Usage: nabla train/);
  });

  test("summary lenet: the course's 180,880 learnables", async () => {
    const r = await runNabla(['summary', 'lenet']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Total learnables: 180,880/);
    assert.match(r.stdout, /7×7×64/);
  });

  test('summary alexnet: 60,965,224 learnables and the layer sizes', async () => {
    const r = await runNabla(['summary', 'alexnet']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Total learnables: 60,965,224/);
    for (const size of ['55×55×96', '27×27×256', '13×13×384', '6×6×256'])
      assert.ok(r.stdout.includes(size), size);
  });

  test("gradcheck prints the suite's table and passes; an --only that matches nothing is refused", async () => {
    const r = await runNabla(['gradcheck', '--only', 'relu,sigmoid', '--cases', '2']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /max abs err/);
    // op, cases, eps, atol, rtol, max abs err, max rel err, tolerance used, pass
    assert.match(r.stdout, /^relu\s+2\s+1e-6\s+1e-12\s+1e-12(\s+\S+){3}\s+ok$/m);
    assert.match(r.stdout, /2\/2 ops pass/);
    const none = await runNabla(['gradcheck', '--only', 'no-such-op']);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /^nabla: --only no-such-op: no op matches/);
  });

  test('credit: a cross-validation report fold by fold, against always approving', async () => {
    const r = await runNabla(['credit', '--folds', '2']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /2-fold stratified cross-validation/);
    assert.match(r.stdout, /^\s+1\s+\d+\.\d%\s+0\.\d{3}/m);
    const mean = Number(r.stdout.match(/Mean accuracy: (\d+\.\d)%/)![1]);
    assert.ok(mean > 70, `better than always approving (70%): ${mean}%`);
    assert.match(r.stdout, /always approving: 70\.0%/);
  });

  test("credit --applicant: the course's applicant and a file, decided with a probability; a bad file is refused", async () => {
    const course = await runNabla(['credit', '--applicant', 'course']);
    assert.equal(course.code, 0, course.stderr);
    assert.match(course.stdout, /^Decision: (APPROVE|REJECT) — p\(good customer\) = 0\.\d{3}/m);
    assert.match(course.stdout, /creditAmount: from debt \$15000/);
    const file = join(dir, 'applicant.json');
    writeFileSync(
      file,
      JSON.stringify({
        age: 45,
        sex: 'female',
        salaryUsd: 90000,
        yearsAtResidence: 4,
        yearsInJob: 10,
        debtUsd: 2000,
      }),
    );
    const other = await runNabla(['credit', '--applicant', file, '--json']);
    assert.equal(other.code, 0, other.stderr);
    const decision = JSON.parse(other.stdout);
    assert.ok(decision.probability > 0 && decision.probability < 1);
    assert.equal(decision.decision, decision.probability > 0.5 ? 'approve' : 'reject');
    writeFileSync(file, JSON.stringify({ age: 45 }));
    const bad = await runNabla(['credit', '--applicant', file]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^nabla: .*applicant\.json: missing sex, salaryUsd/);
  });

  test('--backend gpu refuses where gpu.js has no real GPU; auto says it uses the wasm kernels and why', async () => {
    const out = join(dir, 'auto');
    const args = [
      'train',
      'mlp',
      '--train-size',
      '40',
      '--val-size',
      '10',
      '--batch-size',
      '10',
      '--epochs',
      '1',
      '--quiet',
    ];
    const gpu = await runNabla([...args, '--backend', 'gpu', '--out', join(dir, 'gpu')]);
    const auto = await runNabla([...args, '--backend', 'auto', '--out', out]);
    assert.equal(auto.code, 0, auto.stderr);
    const line = auto.stdout.split('\n')[0]!;
    if (gpu.code === 0) {
      // A machine with a real GL context: both run on it.
      assert.match(line, /^Backend: gpu/);
    } else {
      assert.equal(gpu.code, 2);
      assert.match(gpu.stderr, /^nabla: --backend gpu: no usable GPU: .+ \(use --backend cpu or auto\)\n$/);
      // No GPU: auto falls back to the best CPU kernels, WebAssembly SIMD in Node 20, and says why.
      assert.match(line, /^Backend: wasm \(WebAssembly SIMD f32x4( on \d+ threads)?\): .{10,}/);
    }
  });
});
