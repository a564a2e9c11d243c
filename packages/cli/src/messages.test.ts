import assert from 'node:assert/strict';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import * as autograd from '@nabla/autograd';
import * as data from '@nabla/data';
import * as dataNode from '@nabla/data/node';
import * as io from '@nabla/io';
import * as layers from '@nabla/layers';
import * as models from '@nabla/models';
import * as tensor from '@nabla/tensor';
import { buildProgram } from './program.js';
import { mnistSlice, runNabla, tempDir, writeIdxPair } from './testing/fixtures.js';

// What a user reads when the CLI refuses: one prefix, the user's own terms, refusals before any
// data loads, and help texts that say what the flags do.
const dir = tempDir('nabla-messages-');
after(() => {
  if (!process.env.NABLA_KEEP_TEST_FILES) rmSync(dir, { recursive: true, force: true });
});
const digits = writeIdxPair(dir, 'train', mnistSlice(0, 256));
const fewLabels = writeIdxPair(dir, 'few', mnistSlice(0, 100)).labels;
const aFile = join(dir, 'a-file');
writeFileSync(aFile, 'not a folder');
const mlpRun = join(dir, 'mlp');
const trainData = ['--train-images', digits.images, '--train-labels', digits.labels];

/** Every function and class the library packages export: the names a message must not lead with. */
const LIBRARY_NAMES = new Set(
  [autograd, data, dataNode, io, layers, models, tensor].flatMap((m) =>
    Object.entries(m)
      .filter(([, v]) => typeof v === 'function')
      .map(([k]) => k),
  ),
);
// Internal names met along the way (not exported, or an op's own label).
for (const name of ['readIdxFile', 'resolveLayer', 'deepDreamImage', 'trainNetwork', 'filterGrid'])
  LIBRARY_NAMES.add(name);

/** Asserts one refusal line: exit 2, the `nabla: ` prefix, no library function's name leading it. */
function assertRefusal(r: { code: number | null; stderr: string }, expect: RegExp): void {
  assert.equal(r.code, 2, r.stderr);
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0]!, /^nabla: /, 'the one prefix of every refusal');
  // No `name: ` part of the line, at its start or after a file's name, is a library function.
  for (const [, name] of lines[0]!.matchAll(/(?:^nabla|:) ([^\s:]+): /g))
    assert.ok(!LIBRARY_NAMES.has(name!) || name!.endsWith('Layer'), `an internal name in: ${lines[0]}`);
  assert.match(lines[0]!, expect);
}

before(async () => {
  const r = await runNabla([
    'train',
    'mlp',
    ...trainData,
    ...['--train-size', '192', '--val-size', '64', '--batch-size', '32', '--epochs', '1'],
    ...['--out', mlpRun, '--quiet'],
  ]);
  assert.equal(r.code, 0, r.stderr);
});

describe('refusals a user reads', { concurrency: 4 }, () => {
  test("commander's own refusals carry the same prefix as every other (no 'error:')", async () => {
    for (const args of [
      ['train', 'mlp', '--epochs', 'x'],
      ['train', 'mlp', '--no-such-flag'],
      ['summary', 'resnet'],
      ['evaluate'],
    ]) {
      const r = await runNabla(args);
      assert.doesNotMatch(r.stderr, /^error:/m, args.join(' '));
      assertRefusal(r, /./);
    }
  });

  test('library refusals name the flag or the file, never the function', async () => {
    const cases: [string[], RegExp][] = [
      // images and labels of different counts: both files named
      [
        [
          'train',
          'mlp',
          '--train-images',
          digits.images,
          '--train-labels',
          fewLabels,
          '--out',
          join(dir, 'x1'),
        ],
        /^nabla: \S+train-images-idx3-ubyte holds 256 images but \S+few-labels-idx1-ubyte holds 100 labels$/,
      ],
      // a mini-batch larger than the training digits: the flag, not trainNetwork's option name
      [
        ['train', 'mlp', ...trainData, '--train-size', '40', '--val-size', '10', '--batch-size', '100'],
        /^nabla: --batch-size 100 is larger than the \d+ training examples$/,
      ],
      [
        ['visualize', '--model', mlpRun, '--out', join(dir, 'v1'), '--no-activations', '--dream', 'nosuch'],
        /^nabla: --dream: no layer 'nosuch'; the network has featureInput_1, /,
      ],
      [
        [
          ...['visualize', '--model', mlpRun, '--out', join(dir, 'v2'), '--no-activations'],
          ...['--dream', 'output'],
        ],
        /^nabla: --dream: needs an image input \[C,H,W\], the network takes \[784\]$/,
      ],
      [
        ['finetune', '--from', mlpRun, '--out', join(dir, 'f1'), '--per-class', '100000'],
        /^nabla: --per-class 100000: the training set has only \d+ digits 5$/,
      ],
      [
        ['train', 'mlp', '--train-images', join(dir, 'nosuch'), '--train-labels', digits.labels],
        /^nabla: cannot read \S+nosuch: no such file/,
      ],
    ];
    for (const [args, expect] of cases) assertRefusal(await runNabla(args), expect);
  });

  test("model.json refusals name the file and the layer, not the library's planner", async () => {
    // The trained MLP's files with one layer of model.json changed.
    const altered = (name: string, change: (layers: { factory: string; args: unknown[] }[]) => void) => {
      const out = join(dir, name);
      mkdirSync(out, { recursive: true });
      copyFileSync(join(mlpRun, 'model.safetensors'), join(out, 'model.safetensors'));
      const meta = JSON.parse(readFileSync(join(mlpRun, 'model.json'), 'utf8'));
      change(meta.architecture.layers);
      writeFileSync(join(out, 'model.json'), JSON.stringify(meta));
      return ['evaluate', '--model', out, '--test-images', digits.images, '--test-labels', digits.labels];
    };
    const cases: [string[], RegExp][] = [
      [
        altered('fc-1e12', (l) => void (l[1]!.args = [1e12])),
        /model\.json: layer 2 \('fullyConnected'\) would output \[1000000000000\] per example/,
      ],
      [
        altered('factory-constructor', (l) => void (l[2]!.factory = 'constructor')),
        /model\.json: entry 2: unknown layer factory 'constructor'$/,
      ],
      [
        altered('junk-args', (l) => void (l[1]!.args = [{ toString: 1 }, 'x'])),
        /model\.json: entry 1 \(fullyConnectedLayer\): /,
      ],
    ];
    for (const [args, expect] of cases) assertRefusal(await runNabla(args), expect);
  });

  test('--out naming a file is refused before any data loads (train, finetune, visualize)', async () => {
    // Each run's data is missing too: the refusal being about --out shows it came first.
    const missing = join(dir, 'missing');
    for (const args of [
      ['train', 'mlp', '--train-images', missing, '--train-labels', missing, '--out', aFile],
      ['finetune', '--from', missing, '--out', aFile],
      ['visualize', '--model', missing, '--out', aFile],
    ]) {
      assertRefusal(await runNabla(args), /^nabla: --out \S+a-file: \S+a-file is a file, not a folder/);
    }
  });
});

test('visualize on an MLP draws what an MLP has: no filters (said so), every layer’s activations', async () => {
  const out = join(dir, 'vis-mlp');
  const r = await runNabla(['visualize', '--model', mlpRun, '--out', out]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^no filters\.png: the network has no convolution layer/m);
  const files = readdirSync(out);
  assert.ok(!existsSync(join(out, 'filters.png')));
  assert.ok(files.includes('input.png'), files.join(' '));
  assert.ok(files.filter((f) => f.startsWith('activations-fullyConnected')).length === 3, files.join(' '));
});

test('help texts say what the flags do: one default for --threads, --train-size is a total', async () => {
  const lenet = buildProgram()
    .commands.find((c) => c.name() === 'train')!
    .commands.find((c) => c.name() === 'lenet')!;
  const option = (flag: string) => lenet.options.find((o) => o.long === flag)!;
  const help = lenet.helpInformation().replace(/\s+/g, ' ');
  const threads = /--threads <n> (.*?) --out/.exec(help)![1]!;
  assert.equal(threads.match(/default/g)?.length, 1, threads);
  assert.match(threads, /\(default: every core: \d+ here\)/);
  assert.doesNotMatch(option('--train-size').description, /digits per class/);
  assert.match(option('--train-size').description, /in all \(not per class\)/);
  const printed = await runNabla(['train', 'lenet', '--help']);
  assert.match(printed.stdout, /Ctrl-C stops after the mini-batch in progress/);
  // And the behaviour: 100 + 20 of 256 digits train on about 100 in all, not 100 per class.
  const r = await runNabla([
    'train',
    'mlp',
    ...trainData,
    ...['--train-size', '100', '--val-size', '20', '--batch-size', '20', '--epochs', '1'],
    ...['--out', join(dir, 'sizes'), '--verbose'],
  ]);
  assert.equal(r.code, 0, r.stderr);
  const trained = Number(/Training mlp on (\d+) digits, validating on (\d+)/.exec(r.stdout)![1]);
  assert.ok(Math.abs(trained - 100) <= 5, `${trained} training digits`);
});

test('the README documents every command (and Ctrl-C, and exit code 130)', () => {
  const readme = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', 'README.md'), 'utf8');
  const names = (cmd: Command, prefix: string): string[] =>
    cmd.commands.flatMap((c) => {
      const name = `${prefix}${c.name()}`;
      // A command with subcommands (train) is documented through them.
      return c.commands.length ? names(c, `${name} `) : [name];
    });
  const all = names(buildProgram(), '');
  assert.ok(
    all.includes('visualize') && all.includes('finetune') && all.includes('train lenet'),
    all.join(', '),
  );
  for (const name of all) assert.ok(readme.includes(`- \`nabla ${name}`), `README documents nabla ${name}`);
  assert.match(readme, /## Ctrl-C/);
  assert.match(readme, /130 when Ctrl-C stopped the run/);
});
