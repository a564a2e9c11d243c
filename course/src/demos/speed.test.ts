import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { GENERATED_DIR } from '../output.js';
import {
  ALEXNET_FORWARD_CASE,
  BENCH_RESULTS_DIR,
  BENCH_SUITES,
  IMAGENET,
  LENET_TRAIN_CASE,
  speed,
} from './speed.js';
import { speedMarkdown } from './speed.render.js';

const s = speed();
/** The committed bench files, read here independently of the demo. */
const raw = Object.fromEntries(
  BENCH_SUITES.map((suite) => [
    suite,
    JSON.parse(readFileSync(join(BENCH_RESULTS_DIR, `${suite}.json`), 'utf8')),
  ]),
);

test("the demo's tables hold exactly the committed bench files' figures", () => {
  for (const suite of BENCH_SUITES) {
    assert.deepEqual(s.suites[suite].cases, raw[suite].cases, suite);
    assert.deepEqual(s.suites[suite].machine, raw[suite].machine, suite);
    assert.equal(s.suites[suite].backend, raw[suite].nabla.backend, suite);
  }
  const row = (suite: string, name: string, lib: string) =>
    raw[suite].cases
      .find((c: { name: string }) => c.name === name)
      .rows.find((r: { lib: string }) => r.lib === lib).figure as number;
  assert.equal(s.measured.lenetTrainImagesPerSecond, row('train', LENET_TRAIN_CASE, 'nabla'));
  assert.equal(s.measured.lenetTrainTfjsWasm, row('train', LENET_TRAIN_CASE, 'tfjs-wasm'));
  assert.equal(s.measured.alexnetForwardImagesPerSecond, row('alexnet', ALEXNET_FORWARD_CASE, 'nabla'));
  // The page's text shows them (formatted as the table formats them).
  const md = speedMarkdown(s);
  const fmt = (v: number) =>
    v.toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  for (const suite of BENCH_SUITES)
    for (const c of raw[suite].cases)
      for (const r of c.rows)
        if (r.figure !== null && r.figure >= 1)
          assert.ok(md.includes(`${fmt(r.figure)} ${c.unit}`), `${c.name} ${r.lib}`);
  // What the machine was: no GPU among the backends that ran.
  assert.ok(md.includes(`${raw.train.machine.cores} cores`));
  assert.ok(BENCH_SUITES.every((suite) => raw[suite].nabla.backend !== 'gpu'));
});

test('FLOP counts of LeNet and AlexNet, layer by layer from the course: 2 × weights × output positions', () => {
  // LeNet: three 3×3 convolutions pad 1 at 28², 14², 7², FC 3136 → 50 → 10.
  const lenet = [
    ['convolution2d_1', 2 * 16 * 1 * 9 * 28 * 28],
    ['convolution2d_2', 2 * 32 * 16 * 9 * 14 * 14],
    ['convolution2d_3', 2 * 64 * 32 * 9 * 7 * 7],
    ['fullyConnected_1', 2 * 64 * 7 * 7 * 50],
    ['fullyConnected_2', 2 * 50 * 10],
  ];
  assert.deepEqual(
    s.flops.lenetLayers.map((l) => [l.name, l.flops]),
    lenet,
  );
  assert.equal(s.flops.lenetForward, 4_153_064);
  // AlexNet (Krizhevsky et al. 2012): conv1 96 11×11×3 → 55²; conv2 256 5×5×48 (2 groups) → 27²;
  // conv3 384 3×3×256, conv4 384 3×3×192, conv5 256 3×3×192 → 13²; fc6 9216·4096, fc7 4096², fc8 4096·1000.
  const alexnet = [
    ['conv1', 2 * 96 * 3 * 121 * 55 * 55],
    ['conv2', 2 * 256 * 48 * 25 * 27 * 27],
    ['conv3', 2 * 384 * 256 * 9 * 13 * 13],
    ['conv4', 2 * 384 * 192 * 9 * 13 * 13],
    ['conv5', 2 * 256 * 192 * 9 * 13 * 13],
    ['fc6', 2 * 9216 * 4096],
    ['fc7', 2 * 4096 * 4096],
    ['fc8', 2 * 4096 * 1000],
  ];
  assert.deepEqual(
    s.flops.alexnetLayers.map((l) => [l.name, l.flops]),
    alexnet,
  );
  assert.equal(s.flops.alexnetForward, 1_448_813_632);
  // alexnet.md: the fully connected layers do 8% of the arithmetic (and hold 96% of the weights).
  const fc = s.flops.alexnetLayers.filter((l) => l.name.startsWith('fc')).reduce((a, l) => a + l.flops, 0);
  assert.equal(Math.round((100 * fc) / s.flops.alexnetForward), 8);
  // The bench states the same work for its AlexNet rows ("1.45 GFLOP"; conv1 "0.211 GFLOP").
  const alexWork = raw.alexnet.cases[0].work as string;
  assert.equal(alexWork, `${(s.flops.alexnetForward / 1e9).toFixed(2)} GFLOP`);
  const conv1 = raw.kernels.cases.find((c: { name: string }) =>
    c.name.startsWith('conv forward AlexNet conv1'),
  );
  assert.equal(conv1.work, `${(s.flops.alexnetLayers[0]!.flops / 1e9).toFixed(3)} GFLOP`);
  // ImageNet estimate: images × epochs × 3 × forward.
  assert.equal(s.derived.alexnetImagenetFlops, IMAGENET.trainImages * 90 * 3 * 1_448_813_632);
  assert.ok(
    s.derived.alexnetImagenetDaysAtFastestKernel > 100,
    'a CPU core needs months for AlexNet on ImageNet',
  );
});

test('the committed docs/generated/speed.json equals a fresh run', () => {
  const path = join(GENERATED_DIR, 'speed.json');
  assert.ok(existsSync(path), 'run `pnpm --filter @nabla/course render speed`');
  const committed = JSON.parse(readFileSync(path, 'utf8')).figures;
  assert.deepEqual(committed, JSON.parse(JSON.stringify(s)));
});
