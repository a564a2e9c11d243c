import { ValueError } from '@nabla/tensor';
import type { Optimizer } from './optimizer.js';

/**
 * A learning-rate schedule: the rate for a (0-based) epoch, given the initial rate. Schedules are
 * applied once per epoch, before it starts: `applySchedule(optimizer, schedule, epoch)`.
 */
export type LearningRateSchedule = (epoch: number, initialLr: number) => number;

function checkEpoch(epoch: number): void {
  if (!(Number.isInteger(epoch) && epoch >= 0))
    throw new ValueError('schedule', `epoch must be an integer >= 0, got ${epoch}`);
}

/** The same rate every epoch (Matlab's 'none'). */
export function constantSchedule(): LearningRateSchedule {
  return (epoch, lr) => {
    checkEpoch(epoch);
    return lr;
  };
}

/**
 * Matlab's 'piecewise' schedule: lr · dropFactor^⌊epoch / dropPeriod⌋ — the rate is multiplied by
 * dropFactor every dropPeriod epochs (Matlab's defaults: factor 0.1, period 10). With 0-based epochs,
 * epochs 0 … period−1 use the initial rate, as Matlab's epochs 1 … period do.
 */
export function piecewiseSchedule(
  options: { dropFactor?: number; dropPeriod?: number } = {},
): LearningRateSchedule {
  const { dropFactor = 0.1, dropPeriod = 10 } = options;
  if (!(dropFactor >= 0 && dropFactor <= 1))
    throw new ValueError('piecewiseSchedule', `dropFactor must be in [0, 1], got ${dropFactor}`);
  if (!(Number.isInteger(dropPeriod) && dropPeriod >= 1)) {
    throw new ValueError('piecewiseSchedule', `dropPeriod must be an integer >= 1, got ${dropPeriod}`);
  }
  return (epoch, lr) => {
    checkEpoch(epoch);
    return lr * dropFactor ** Math.floor(epoch / dropPeriod);
  };
}

/** PyTorch's StepLR: lr · gamma^⌊epoch / stepSize⌋ (the piecewise schedule under PyTorch's names). */
export function stepSchedule(options: { stepSize: number; gamma?: number }): LearningRateSchedule {
  return piecewiseSchedule({ dropFactor: options.gamma ?? 0.1, dropPeriod: options.stepSize });
}

/** PyTorch's MultiStepLR: lr · gamma^(number of milestones ≤ epoch). */
export function multiStepSchedule(options: {
  milestones: readonly number[];
  gamma?: number;
}): LearningRateSchedule {
  const { milestones, gamma = 0.1 } = options;
  if (milestones.some((m, i) => !Number.isInteger(m) || m < 0 || (i > 0 && m <= milestones[i - 1]!))) {
    throw new ValueError(
      'multiStepSchedule',
      `milestones must be increasing integers >= 0, got [${milestones.join(',')}]`,
    );
  }
  return (epoch, lr) => {
    checkEpoch(epoch);
    return lr * gamma ** milestones.filter((m) => m <= epoch).length;
  };
}

/**
 * Cosine annealing (PyTorch's CosineAnnealingLR without restarts):
 * minLr + (lr − minLr) · (1 + cos(π · epoch / total)) / 2, held at minLr after `total` epochs.
 */
export function cosineSchedule(options: { total: number; minLr?: number }): LearningRateSchedule {
  const { total, minLr = 0 } = options;
  if (!(Number.isInteger(total) && total >= 1))
    throw new ValueError('cosineSchedule', `total must be an integer >= 1, got ${total}`);
  if (!(minLr >= 0)) throw new ValueError('cosineSchedule', `minLr must be >= 0, got ${minLr}`);
  return (epoch, lr) => {
    checkEpoch(epoch);
    const t = Math.min(epoch, total) / total;
    return minLr + ((lr - minLr) * (1 + Math.cos(Math.PI * t))) / 2;
  };
}

/** Sets the optimizer's rate for an epoch from its initial rate; returns the new rate. */
export function applySchedule(optimizer: Optimizer, schedule: LearningRateSchedule, epoch: number): number {
  optimizer.learningRate = schedule(epoch, optimizer.initialLearningRate);
  return optimizer.learningRate;
}
