import {
  classify,
  type IterationRecord,
  lenet,
  type Network,
  trainingOptions,
  trainNetwork,
} from '@nabla/models';
import { fromTypedArray, Random } from '@nabla/tensor';
import type { Digits } from './mnist-fetch.js';

export interface TrainSettings {
  epochs: number;
  miniBatchSize: number;
  learnRate: number;
  /** Validate every this many iterations (and at the first and last). */
  validationFrequency: number;
  seed: number;
}

export interface TrainOutcome {
  iterations: number;
  stopReason: 'max-epochs' | 'callback' | 'validation-patience';
  finalValidationAccuracy: number | undefined;
  seconds: number;
}

/** Hands control back to the browser (input, painting) before the next iteration. */
export function nextTask(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * Trains the course's LeNet with trainNetwork('sgdm') on the page's main thread without freezing
 * it: `onIteration` yields to the event loop after every iteration, so drawing, the chart and the
 * Stop button keep working. The network is built here and handed to trainNetwork, so the page can
 * classify a drawing with it while it trains (predict runs in eval mode and restores training mode).
 */
export class Trainer {
  /** The network being trained or last trained; null before the first run. */
  net: Network | null = null;
  running = false;
  private stopRequested = false;
  /** Whether the current network has taken a step (its input statistics are fitted before the first). */
  private stepped = false;

  async run(
    train: Digits,
    validation: Digits,
    settings: TrainSettings,
    onIteration: (record: IterationRecord, totalIterations: number) => void | Promise<void>,
  ): Promise<TrainOutcome> {
    if (this.running) throw new Error('already training');
    this.running = true;
    this.stopRequested = false;
    try {
      const net = lenet({ generator: new Random(settings.seed) });
      this.net = net;
      this.stepped = false;
      const options = trainingOptions('sgdm', {
        maxEpochs: settings.epochs,
        miniBatchSize: settings.miniBatchSize,
        initialLearnRate: settings.learnRate,
        validationData: validation,
        validationFrequency: settings.validationFrequency,
        seed: settings.seed,
        verbose: false,
        onIteration: async (record, progress) => {
          this.stepped = true;
          await onIteration(record, progress.totalIterations);
          await nextTask();
          return this.stopRequested ? 'stop' : undefined;
        },
      });
      const { info } = await trainNetwork(train, net, options);
      return {
        iterations: info.iterations,
        stopReason: info.stopReason,
        finalValidationAccuracy: info.finalValidationAccuracy,
        seconds: info.durationSeconds,
      };
    } finally {
      this.running = false;
    }
  }

  /** Ends the run after the iteration in progress. */
  stop(): void {
    this.stopRequested = true;
  }

  /** Class probabilities of one 28×28 image (ink in [0, 1]), or null before any training. */
  predict(image: Float32Array): { label: number; probabilities: number[] } | null {
    if (!this.net || !this.stepped) return null;
    const { labels, scores } = classify(this.net, fromTypedArray(image, [1, 1, 28, 28]));
    return { label: labels[0]!, probabilities: Array.from(scores.contiguous().data) };
  }
}
