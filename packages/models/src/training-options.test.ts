import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ValueError } from '@nabla/tensor';
import { trainingOptions } from './training-options.js';

// Matlab's defaults, from MathWorks' trainingOptions page (docs/matlab.md cites each one).
test("trainingOptions has Matlab's defaults: shuffle 'once', 'l2norm' clipping at Inf, population BN statistics", () => {
  const o = trainingOptions('sgdm');
  assert.equal(o.shuffle, 'once');
  assert.equal(o.gradientThresholdMethod, 'l2norm');
  assert.equal(o.gradientThreshold, Number.POSITIVE_INFINITY);
  assert.equal(o.batchNormalizationStatistics, 'population');
  assert.equal(o.maxEpochs, 30);
  assert.equal(o.miniBatchSize, 128);
  assert.equal(o.initialLearnRate, 0.01);
  assert.equal(o.momentum, 0.9);
  assert.equal(o.l2Regularization, 1e-4);
  assert.equal(o.validationFrequency, 50);
  assert.equal(o.validationPatience, Number.POSITIVE_INFINITY);
  assert.equal(o.verboseFrequency, 50);
  assert.equal(trainingOptions('adam').initialLearnRate, 0.001);
  assert.equal(trainingOptions('adam').epsilon, 1e-8);
});

test('an unknown option is refused with a ValueError that suggests the nearest name', () => {
  assert.throws(
    () => trainingOptions('sgdm', { maxEpoch: 3 } as never),
    (e: unknown) =>
      e instanceof ValueError &&
      /unknown option 'maxEpoch'/.test(e.message) &&
      /did you mean 'maxEpochs'/.test(e.message),
  );
  // Matlab's own spelling of a name points to ours.
  assert.throws(
    () => trainingOptions('sgdm', { Shuffle: 'never' } as never),
    /unknown option 'Shuffle'.*did you mean 'shuffle'/,
  );
  assert.throws(
    () => trainingOptions('sgdm', { BatchNormalizationStatistic: 'moving' } as never),
    /did you mean 'batchNormalizationStatistics'/,
  );
});

test('option values outside their choices are refused, naming the choices', () => {
  assert.throws(
    () => trainingOptions('sgdm', { shuffle: 'sometimes' as never }),
    /shuffle must be one of 'once', 'every-epoch', 'never'/,
  );
  assert.throws(
    () => trainingOptions('sgdm', { gradientThresholdMethod: 'l1norm' as never }),
    /gradientThresholdMethod must be one of 'l2norm', 'global-l2norm', 'absolute-value'/,
  );
  assert.throws(
    () => trainingOptions('sgdm', { batchNormalizationStatistics: 'running' as never }),
    /batchNormalizationStatistics must be one of 'population', 'moving'/,
  );
  assert.throws(() => trainingOptions('sgdm', { learnRateSchedule: 'cosine' as never }), /learnRateSchedule/);
  assert.throws(() => trainingOptions('sgdm', { plots: 'all' as never }), /plots/);
  assert.throws(() => trainingOptions('sgdm', { learnRateDropFactor: 2 }), /learnRateDropFactor/);
  assert.throws(() => trainingOptions('sgdm', { validationPatience: 0 }), /validationPatience/);
});

test('the choices that differ from PyTorch can still be picked', () => {
  const o = trainingOptions('sgdm', {
    shuffle: 'every-epoch',
    gradientThresholdMethod: 'global-l2norm',
    gradientThreshold: 5,
    batchNormalizationStatistics: 'moving',
  });
  assert.equal(o.shuffle, 'every-epoch');
  assert.equal(o.gradientThresholdMethod, 'global-l2norm');
  assert.equal(o.gradientThreshold, 5);
  assert.equal(o.batchNormalizationStatistics, 'moving');
});
