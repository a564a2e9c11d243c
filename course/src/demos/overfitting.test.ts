import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadMnist } from '@nabla/data/node';
import { assembleNetwork } from '@nabla/models';
import { GENERATED_DIR } from '../output.js';
import {
  largeNetworkLayers,
  OVERFITTING_DEFAULTS,
  type OverfittingResult,
  overfitting,
} from './overfitting.js';

test("the large network is AlexNet's classifier on a digit: 784·w + w + w·w + w + w·5 + 5 learnables", () => {
  const w = OVERFITTING_DEFAULTS.width;
  const net = assembleNetwork(largeNetworkLayers(w, 5));
  assert.equal(net.body.numParameters(), 784 * w + w + w * w + w + w * 5 + 5);
  assert.equal(net.body.numParameters(), 20_017_157);
});

test('a large network trained from scratch on 100 digits overfits; the finetuned LeNet generalizes better', async () => {
  // The small version of the render: 100 training digits 5–9, a 1024-wide classifier, LeNet
  // pretrained on 2,000 digits 0–4 for one epoch. Seeds 0–2 gave gaps of 10–12 points for the large
  // network and a finetuned LeNet 4–7 points better on the test digits.
  const r = await overfitting(loadMnist(), {
    perClass: 20,
    testPerClass: 60,
    epochs: 20,
    width: 1024,
    pretrainPerClass: 400,
    pretrainEpochs: 1,
    seed: 0,
    arms: ['large from scratch', 'LeNet finetuned'],
  });
  assert.equal(r.trainDigits, 100);
  assert.equal(r.testDigits, 300);
  const [large, tuned] = r.arms;
  assert.equal(large!.name, 'large from scratch');
  assert.equal(large!.curve.length, 20);
  // It learns its training digits almost perfectly…
  assert.ok(large!.finalTrain >= 95, `large network's training accuracy ${large!.finalTrain}`);
  // … and is far worse on digits it has not seen: the overfitting gap.
  assert.ok(large!.finalTrain - large!.finalTest >= 8, `gap ${large!.finalTrain - large!.finalTest}`);
  // The pretrained LeNet, finetuned on the same 100 digits, does better on the test digits.
  assert.ok(
    tuned!.finalTest >= large!.finalTest + 3,
    `finetuned ${tuned!.finalTest} vs large ${large!.finalTest}`,
  );
  assert.ok(tuned!.finalTrain - tuned!.finalTest < large!.finalTrain - large!.finalTest);
});

test('the committed render shows the overfitting: large network at 100% training, ≥ 8 points below on test', () => {
  const path = join(GENERATED_DIR, 'overfitting.json');
  assert.ok(existsSync(path), 'run `pnpm --filter @nabla/course render overfitting`');
  const r = JSON.parse(readFileSync(path, 'utf8')).figures as OverfittingResult;
  assert.deepEqual(
    r.options,
    JSON.parse(JSON.stringify(OVERFITTING_DEFAULTS)),
    'rendered with the current defaults',
  );
  const large = r.arms.find((a) => a.name === 'large from scratch')!;
  const tuned = r.arms.find((a) => a.name === 'LeNet finetuned')!;
  assert.equal(large.learnables, 20_017_157);
  assert.equal(large.finalTrain, 100);
  assert.ok(large.finalTrain - large.finalTest >= 8);
  assert.ok(tuned.finalTest > large.finalTest);
  assert.equal(large.curve.length, OVERFITTING_DEFAULTS.epochs);
  // What alexnet.md says of the figures: every network at 100% on its training digits; the large
  // network keeps the widest gap, the finetuned LeNet the narrowest gap and the best test accuracy.
  const gap = (a: (typeof r.arms)[number]) => a.finalTrain - a.finalTest;
  assert.equal(r.arms.length, 3);
  for (const a of r.arms) assert.equal(a.finalTrain, 100, a.name);
  assert.equal(Math.max(...r.arms.map(gap)), gap(large));
  assert.equal(Math.min(...r.arms.map(gap)), gap(tuned));
  assert.equal(Math.max(...r.arms.map((a) => a.finalTest)), tuned.finalTest);
});
