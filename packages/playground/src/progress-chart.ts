import type { View } from 'vega';
import embed, { type VisualizationSpec } from 'vega-embed';
import {
  EPOCH_DATA,
  PROGRESS_DATA,
  type ProgressPoint,
  progressRows,
  trainingProgressSpec,
} from '@nabla/models';

/** The live training-progress chart: vega-lite through vega-embed, fed one iteration at a time. */
export class ProgressChart {
  private lastEpoch = 0;
  private lastIteration = 0;
  private pending: Promise<unknown> = Promise.resolve();

  private constructor(private readonly view: View) {}

  /** Draws an empty chart into `element` (SVG, so the axes stay sharp and tests can read labels). */
  static async create(element: HTMLElement): Promise<ProgressChart> {
    const result = await embed(element, trainingProgressSpec({ width: 520, height: 170 }) as unknown as VisualizationSpec, {
      actions: false, // the menu links to the online editor; nothing on this page reaches the internet
      renderer: 'svg',
    });
    return new ProgressChart(result.view);
  }

  /** Adds one iteration's measurements, and an epoch rule when the epoch changed. */
  add(record: ProgressPoint): Promise<unknown> {
    const newEpoch = this.lastEpoch !== 0 && record.epoch !== this.lastEpoch;
    const boundary = this.lastIteration;
    this.lastEpoch = record.epoch;
    this.lastIteration = record.iteration;
    // vega keeps only the last change given to a source before a run, so one insert per source per run.
    this.pending = this.pending.then(async () => {
      this.view.insert(PROGRESS_DATA, progressRows(record));
      if (newEpoch) this.view.insert(EPOCH_DATA, [{ iteration: boundary }]);
      await this.view.runAsync();
    });
    return this.pending;
  }

  /** Empties the chart for a new run. */
  clear(): Promise<unknown> {
    this.lastEpoch = 0;
    this.lastIteration = 0;
    this.pending = this.pending.then(async () => {
      this.view.remove(PROGRESS_DATA, () => true);
      this.view.remove(EPOCH_DATA, () => true);
      await this.view.runAsync();
    });
    return this.pending;
  }
}
