import { SingleBar } from 'cli-progress';
import type { IterationRecord } from '@nabla/models';

/**
 * The terminal's progress bar: iterations done, ETA, images per second and the mini-batch loss
 * (smoothed over the last few iterations, as the number otherwise flickers).
 */
export class TrainingProgressBar {
  private bar: SingleBar | null = null;
  private readonly started = performance.now();
  private startIteration = 0;
  private recentLoss: number[] = [];

  constructor(
    private readonly batchSize: number,
    private readonly stream: NodeJS.WriteStream = process.stdout,
  ) {}

  update(record: IterationRecord, totalIterations: number): void {
    if (!this.bar) {
      this.startIteration = record.iteration - 1;
      this.bar = new SingleBar({
        format:
          ' {bar} {percentage}% | {value}/{total} it | epoch {epoch} | ETA {eta_formatted} | {rate} img/s | loss {loss}',
        barCompleteChar: '█',
        barIncompleteChar: '░',
        hideCursor: true,
        stream: this.stream,
        etaBuffer: 20,
      });
      this.bar.start(totalIterations, this.startIteration, { epoch: record.epoch, rate: '-', loss: '-' });
    }
    this.recentLoss.push(record.miniBatchLoss);
    if (this.recentLoss.length > 10) this.recentLoss.shift();
    const seconds = (performance.now() - this.started) / 1000;
    const images = (record.iteration - this.startIteration) * this.batchSize;
    const loss = this.recentLoss.reduce((a, b) => a + b, 0) / this.recentLoss.length;
    this.bar.update(record.iteration, {
      epoch: record.epoch,
      rate: (images / Math.max(seconds, 1e-9)).toFixed(0),
      loss: loss.toFixed(4),
    });
  }

  stop(): void {
    this.bar?.stop();
    this.bar = null;
  }
}
