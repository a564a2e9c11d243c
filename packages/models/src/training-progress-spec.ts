/**
 * The training-progress chart, like Matlab's training-progress window: accuracy (top) and loss
 * (bottom) against iteration, each with the raw mini-batch curve, its trailing-mean smoothing, the
 * validation points joined by a dashed line, and a rule at each epoch boundary. One vega-lite spec
 * serves both places that draw it: the CLI inlines a finished run's history and renders it to SVG
 * with vega in Node; the browser playground leaves the data as two named sources and streams rows
 * into them (`view.insert`) after every iteration. Plain JSON, so this package needs no vega.
 */

/** Named data source of the measurement rows (see `progressRows`). */
export const PROGRESS_DATA = 'progress';
/** Named data source of the epoch boundaries: `{ iteration }` of each epoch's last iteration. */
export const EPOCH_DATA = 'epochs';

/** The part of an iteration record the chart needs (a subset of IterationRecord). */
export interface ProgressPoint {
  /** The epoch, from 1. */
  epoch: number;
  /** The iteration, from 1. */
  iteration: number;
  /** The mini-batch loss. */
  miniBatchLoss: number;
  /** Percent; NaN for a regression network (then the accuracy panel is empty). */
  miniBatchAccuracy: number;
  /** The validation loss, when the iteration validated. */
  validationLoss?: number;
  /** The validation accuracy in percent, when the iteration validated. */
  validationAccuracy?: number;
}

/** One row of the chart's data: a training or a validation measurement at an iteration. */
export interface ProgressRow {
  /** The iteration (the x axis). */
  iteration: number;
  /** The epoch. */
  epoch: number;
  /** Which curve the row belongs to. */
  series: 'Training' | 'Validation';
  /** Percent; null where missing (vega treats null, not NaN, as no value; JSON has no NaN). */
  accuracy: number | null;
  /** The loss; null where missing. */
  loss: number | null;
}

/** Options of {@link trainingProgressSpec}. */
export interface TrainingProgressOptions {
  /** The chart's title (default 'Training progress'). */
  title?: string;
  /** Iterations averaged by the smoothed training curve (a trailing window); default 10. */
  smoothing?: number;
  /** Width of each panel in pixels; default 640. */
  width?: number;
  /** Height of each panel in pixels; default 220. */
  height?: number;
  /** A finished run's history, inlined; without it the spec reads the named sources. */
  history?: readonly ProgressPoint[];
}

/** A vega-lite top-level spec as plain JSON (cast to vega-lite's TopLevelSpec where it is compiled). */
export type VegaLiteSpec = Record<string, unknown>;

// Matlab's colours: the smoothed training curve dark blue, the raw one light blue, validation black.
const SERIES = ['Training (smoothed)', 'Training', 'Validation'];
const COLOURS = ['#0072bd', '#a6cbe9', '#000000'];

/** The rows one iteration adds: its mini-batch measurement, and a validation one when it validated. */
export function progressRows(r: ProgressPoint): ProgressRow[] {
  const finite = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? null : v);
  const rows: ProgressRow[] = [
    {
      iteration: r.iteration,
      epoch: r.epoch,
      series: 'Training',
      accuracy: finite(r.miniBatchAccuracy),
      loss: finite(r.miniBatchLoss),
    },
  ];
  if (r.validationLoss !== undefined || r.validationAccuracy !== undefined) {
    rows.push({
      iteration: r.iteration,
      epoch: r.epoch,
      series: 'Validation',
      accuracy: finite(r.validationAccuracy),
      loss: finite(r.validationLoss),
    });
  }
  return rows;
}

/** The last iteration of each epoch but the final one: where Matlab marks a new epoch. */
export function epochBoundaries(history: readonly ProgressPoint[]): {
  /** The last iteration of an epoch. */
  iteration: number;
}[] {
  const ends: { iteration: number }[] = [];
  for (let i = 0; i + 1 < history.length; i++) {
    if (history[i + 1]!.epoch !== history[i]!.epoch) ends.push({ iteration: history[i]!.iteration });
  }
  return ends;
}

/**
 * The vega-lite spec of the chart: two panels, with the named sources to stream into, or a finished history
 * inlined.
 */
export function trainingProgressSpec(options: TrainingProgressOptions = {}): VegaLiteSpec {
  const smoothing = Math.max(1, Math.floor(options.smoothing ?? 10));
  const width = options.width ?? 640;
  const height = options.height ?? 220;
  const history = options.history;
  const progress = history ? { values: history.flatMap(progressRows) } : { name: PROGRESS_DATA };
  const epochs = history ? { values: epochBoundaries(history) } : { name: EPOCH_DATA };
  const colour = { scale: { domain: SERIES, range: COLOURS }, legend: { title: null, orient: 'bottom' } };
  const x = { field: 'iteration', type: 'quantitative', title: 'Iteration' };
  const panel = (field: 'accuracy' | 'loss', title: string) => ({
    width,
    height,
    layer: [
      { data: epochs, mark: { type: 'rule', color: '#bbbbbb', strokeDash: [2, 2] }, encoding: { x } },
      {
        data: progress,
        transform: [{ filter: "datum.series === 'Training'" }, { filter: `isValid(datum.${field})` }],
        mark: { type: 'line', strokeWidth: 1 },
        encoding: { x, y: { field, type: 'quantitative', title }, color: { datum: 'Training', ...colour } },
      },
      {
        data: progress,
        transform: [
          { filter: "datum.series === 'Training'" },
          { filter: `isValid(datum.${field})` },
          {
            window: [{ op: 'mean', field, as: 'smoothed' }],
            sort: [{ field: 'iteration' }],
            frame: [-(smoothing - 1), 0],
          },
        ],
        mark: { type: 'line', strokeWidth: 2 },
        encoding: {
          x,
          y: { field: 'smoothed', type: 'quantitative' },
          color: { datum: 'Training (smoothed)', ...colour },
        },
      },
      {
        data: progress,
        transform: [{ filter: "datum.series === 'Validation'" }, { filter: `isValid(datum.${field})` }],
        mark: { type: 'line', strokeDash: [4, 3], point: { filled: true, size: 30 } },
        encoding: { x, y: { field, type: 'quantitative' }, color: { datum: 'Validation', ...colour } },
      },
    ],
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: options.title ?? 'Training progress',
    vconcat: [panel('accuracy', 'Accuracy (%)'), panel('loss', 'Loss')],
    config: { font: 'Helvetica, Arial, sans-serif' },
  };
}
