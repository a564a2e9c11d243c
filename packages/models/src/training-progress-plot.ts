import { ValueError } from '@nabla/tensor';
import {
  EPOCH_DATA,
  PROGRESS_DATA,
  type ProgressPoint,
  type ProgressRow,
  progressRows,
  trainingProgressSpec,
  type VegaLiteSpec,
} from './training-progress-spec.js';
import type { IterationRecord, TrainingOptions } from './training-options.js';

/**
 * Matlab's `Plots: 'training-progress'`: a window that grows while training runs. `trainNetwork`
 * hands each iteration's record to a `TrainingProgressPlot`; where it draws depends on the place:
 * in Node, a page served on 127.0.0.1 (`serveTrainingProgress` from `@nabla/models/node`, used by
 * default); in a browser, an element of the page (`trainingProgressInElement`).
 */
export interface TrainingProgressPlot {
  /** One iteration's measurements (and validation, when it validated). */
  update(record: IterationRecord): void;
  /** Training ended (or stopped): draw the last points and release what the plot holds. */
  close(): Promise<void>;
}

/** What a plot is told when training starts. */
export interface TrainingProgressPlotInfo {
  /** The chart's title. */
  title: string;
  /** Iterations the run will take if it is not stopped early. */
  totalIterations: number;
  /** Where to say where the plot is (the training options' `log`). */
  log: (line: string) => void;
}

/** Makes the plot for one training run. */
export type TrainingProgressPlotFactory = (
  info: TrainingProgressPlotInfo,
) => TrainingProgressPlot | Promise<TrainingProgressPlot>;

let registered: TrainingProgressPlotFactory | null = null;

/**
 * Sets the plot `trainNetwork` opens for `plots: 'training-progress'` when the call gives none
 * (`null` restores the default: the served page in Node, an error in a browser).
 */
export function setTrainingProgressPlot(factory: TrainingProgressPlotFactory | null): void {
  registered = factory;
}

// A variable, not a literal (and the magic comments say so to webpack and Vite): bundlers must not
// pull the Node server into a browser build.
const NODE_ENTRY = '@nabla/models/node';

/** The plot for one run: the one given, else the one set, else (in Node) the served page. */
export async function openTrainingProgressPlot(
  given: TrainingProgressPlotFactory | undefined,
  info: TrainingProgressPlotInfo,
): Promise<TrainingProgressPlot> {
  const factory = given ?? registered;
  if (factory) return factory(info);
  const isNode =
    typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node ===
    'string';
  if (!isNode) {
    throw new ValueError(
      'trainNetwork',
      "plots 'training-progress' in a browser needs an element to draw into: pass " +
        "{ plot: trainingProgressInElement(element, vegaEmbed) } as trainNetwork's fourth argument",
    );
  }
  const node = (await import(/* webpackIgnore: true */ /* @vite-ignore */ NODE_ENTRY)) as {
    serveTrainingProgress: TrainingProgressPlotFactory;
  };
  return node.serveTrainingProgress(info);
}

/** The plot `trainNetwork` feeds: one for `plots: 'training-progress'`, else `null`. */
export async function plotFor(
  options: Pick<TrainingOptions, 'plots' | 'log'>,
  totalIterations: number,
  given?: TrainingProgressPlotFactory,
): Promise<TrainingProgressPlot | null> {
  if (options.plots !== 'training-progress') return null;
  return openTrainingProgressPlot(given, { title: 'Training progress', totalIterations, log: options.log });
}

/**
 * Turns iteration records into the chart's rows, as they arrive: the measurement rows of each
 * record, and an epoch rule at the last iteration of an epoch once the next epoch has begun (where
 * Matlab draws its epoch bands). Shared by the browser chart and the Node page.
 */
export class ProgressStream {
  private lastEpoch = 0;
  private lastIteration = 0;

  /** The rows one record adds to the two named data sources. */
  next(record: ProgressPoint): {
    /** Rows for the measurement source. */
    progress: ProgressRow[];
    /** Rows for the epoch source: an epoch's last iteration, when a new epoch began. */
    epochs: {
      /** The last iteration of the epoch that ended. */
      iteration: number;
    }[];
  } {
    const newEpoch = this.lastEpoch !== 0 && record.epoch !== this.lastEpoch;
    const boundary = this.lastIteration;
    this.lastEpoch = record.epoch;
    this.lastIteration = record.iteration;
    return { progress: progressRows(record), epochs: newEpoch ? [{ iteration: boundary }] : [] };
  }

  /** Starts over for a new run. */
  reset(): void {
    this.lastEpoch = 0;
    this.lastIteration = 0;
  }
}

/** The part of a vega View the live chart uses (vega-embed's `result.view`). */
export interface StreamingView {
  /** Adds rows to a named data source (applied on the next run). */
  insert(name: string, rows: readonly object[]): unknown;
  /** Removes the rows of a named data source that match. */
  remove(name: string, match: (row: object) => boolean): unknown;
  /** Re-evaluates the dataflow and redraws. */
  runAsync(): Promise<unknown>;
}

/**
 * vega-embed's default export (`import vegaEmbed from 'vega-embed'`), passed in by the app so that
 * this package needs no vega. Its parameters are typed `never` so vega-embed's own, stricter
 * signature fits without a cast; it is called as `embed(element, vegaLiteSpec, options)`.
 */
export type EmbedFunction = (
  element: never,
  spec: never,
  options: never,
) => Promise<{
  /** The vega View drawing the chart. */
  view: StreamingView;
}>;

type Embed = (
  element: HTMLElementLike,
  spec: VegaLiteSpec,
  options: { actions: boolean; renderer: 'svg' | 'canvas' },
) => Promise<{ view: StreamingView }>;

/** A DOM element, or a CSS selector (kept structural so this package needs no DOM typings). */
export type HTMLElementLike = object | string;

/** Options of the live chart. */
export interface TrainingProgressChartOptions {
  /** Title above the two panels; 'Training progress' by default. */
  title?: string;
  /** Width of each panel in pixels; 640 by default. */
  width?: number;
  /** Height of each panel in pixels; 220 by default. */
  height?: number;
}

/**
 * The training-progress chart drawn in a page and fed one iteration at a time: Matlab's two
 * panels (accuracy above, loss below; raw and smoothed training curves, validation points, epoch
 * rules) through vega-embed, each record inserted into the spec's named sources (vega streaming).
 */
export class TrainingProgressChart implements TrainingProgressPlot {
  private readonly stream = new ProgressStream();
  private pending: Promise<unknown> = Promise.resolve();

  private constructor(private readonly view: StreamingView) {}

  /** Draws an empty chart into `element` with `embed` (vega-embed's default export), as SVG. */
  static async create(
    element: HTMLElementLike,
    embed: EmbedFunction,
    options: TrainingProgressChartOptions = {},
  ): Promise<TrainingProgressChart> {
    // actions: false — the menu links to the online editor; the chart must work offline.
    const result = await (embed as unknown as Embed)(element, trainingProgressSpec(options), {
      actions: false,
      renderer: 'svg',
    });
    return new TrainingProgressChart(result.view);
  }

  /** Adds one iteration's measurements, and an epoch rule when the epoch changed. */
  add(record: ProgressPoint): Promise<unknown> {
    const rows = this.stream.next(record);
    // vega keeps only the last change given to a source before a run, so one insert per source per run.
    this.pending = this.pending.then(async () => {
      this.view.insert(PROGRESS_DATA, rows.progress);
      if (rows.epochs.length > 0) this.view.insert(EPOCH_DATA, rows.epochs);
      await this.view.runAsync();
    });
    return this.pending;
  }

  /** {@inheritDoc TrainingProgressPlot.update} */
  update(record: IterationRecord): void {
    void this.add(record);
  }

  /** Waits until every point given so far is drawn; the chart stays on the page. */
  async close(): Promise<void> {
    await this.pending;
  }

  /** Empties the chart for a new run. */
  clear(): Promise<unknown> {
    this.stream.reset();
    this.pending = this.pending.then(async () => {
      this.view.remove(PROGRESS_DATA, () => true);
      this.view.remove(EPOCH_DATA, () => true);
      await this.view.runAsync();
    });
    return this.pending;
  }
}

/**
 * `plots: 'training-progress'` in a browser: the chart drawn into `element` (an element or a CSS
 * selector) by `embed`, vega-embed's default export, which the app imports itself:
 *
 * ```ts
 * import vegaEmbed from 'vega-embed';
 * await trainNetwork(data, layers, trainingOptions('sgdm', { plots: 'training-progress' }), {
 *   plot: trainingProgressInElement(document.getElementById('chart')!, vegaEmbed),
 * });
 * ```
 */
export function trainingProgressInElement(
  element: HTMLElementLike,
  embed: EmbedFunction,
  options: Omit<TrainingProgressChartOptions, 'title'> = {},
): TrainingProgressPlotFactory {
  return (info) => TrainingProgressChart.create(element, embed, { ...options, title: info.title });
}
