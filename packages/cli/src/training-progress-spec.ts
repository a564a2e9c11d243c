import type { TopLevelSpec } from 'vega-lite';

/** The part of an iteration record the plot needs (a subset of @nabla/models' IterationRecord). */
export interface ProgressPoint {
  epoch: number;
  iteration: number;
  miniBatchLoss: number;
  /** Percent; NaN for a regression network (then the accuracy panel is empty). */
  miniBatchAccuracy: number;
  validationLoss?: number;
  validationAccuracy?: number;
}

export interface TrainingProgressOptions {
  title?: string;
  /** Iterations averaged by the smoothed training curve (a trailing window); default 10. */
  smoothing?: number;
  /** Width of each panel in pixels; default 640. */
  width?: number;
}

// Matlab's colours: the smoothed training curve dark blue, the raw one light blue, validation black.
const SERIES = ['Training (smoothed)', 'Training', 'Validation'];
const COLOURS = ['#0072bd', '#a6cbe9', '#000000'];

/**
 * The training-progress chart, like Matlab's training-progress window: accuracy (top) and loss
 * (bottom) against iteration, each with the raw mini-batch curve, its trailing-mean smoothing
 * and the validation points joined by a dashed line, and a rule at each epoch boundary.
 * A plain vega-lite spec with the data inline: the CLI renders it to SVG with vega in Node and
 * embeds it in an HTML page; a browser page can hand it to vega-embed unchanged.
 */
export function trainingProgressSpec(
  history: readonly ProgressPoint[],
  options: TrainingProgressOptions = {},
): TopLevelSpec {
  const smoothing = Math.max(1, Math.floor(options.smoothing ?? 10));
  const width = options.width ?? 640;
  // One row per measurement; null (not NaN) where a value is missing, since JSON has no NaN.
  const finite = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? null : v);
  const values: Record<string, unknown>[] = [];
  for (const r of history) {
    values.push({
      iteration: r.iteration,
      epoch: r.epoch,
      series: 'Training',
      accuracy: finite(r.miniBatchAccuracy),
      loss: finite(r.miniBatchLoss),
    });
    if (r.validationLoss !== undefined || r.validationAccuracy !== undefined) {
      values.push({
        iteration: r.iteration,
        epoch: r.epoch,
        series: 'Validation',
        accuracy: finite(r.validationAccuracy),
        loss: finite(r.validationLoss),
      });
    }
  }
  // The last iteration of each epoch but the final one: where Matlab marks a new epoch.
  const epochEnds: { iteration: number }[] = [];
  for (let i = 0; i + 1 < history.length; i++) {
    if (history[i + 1]!.epoch !== history[i]!.epoch) epochEnds.push({ iteration: history[i]!.iteration });
  }
  const colour = {
    scale: { domain: SERIES, range: COLOURS },
    legend: { title: null, orient: 'bottom' as const },
  };
  const panel = (field: 'accuracy' | 'loss', title: string) => ({
    width,
    height: 220,
    layer: [
      {
        data: { values: epochEnds },
        mark: { type: 'rule' as const, color: '#bbbbbb', strokeDash: [2, 2] },
        encoding: { x: { field: 'iteration', type: 'quantitative' as const } },
      },
      {
        transform: [{ filter: "datum.series === 'Training'" }, { filter: `isValid(datum.${field})` }],
        mark: { type: 'line' as const, strokeWidth: 1 },
        encoding: {
          x: { field: 'iteration', type: 'quantitative' as const, title: 'Iteration' },
          y: { field, type: 'quantitative' as const, title },
          color: { datum: 'Training', ...colour },
        },
      },
      {
        transform: [
          { filter: "datum.series === 'Training'" },
          { filter: `isValid(datum.${field})` },
          {
            window: [{ op: 'mean' as const, field, as: 'smoothed' }],
            sort: [{ field: 'iteration' }],
            frame: [-(smoothing - 1), 0] as [number, number],
          },
        ],
        mark: { type: 'line' as const, strokeWidth: 2 },
        encoding: {
          x: { field: 'iteration', type: 'quantitative' as const },
          y: { field: 'smoothed', type: 'quantitative' as const },
          color: { datum: 'Training (smoothed)', ...colour },
        },
      },
      {
        transform: [{ filter: "datum.series === 'Validation'" }, { filter: `isValid(datum.${field})` }],
        mark: { type: 'line' as const, strokeDash: [4, 3], point: { filled: true, size: 30 } },
        encoding: {
          x: { field: 'iteration', type: 'quantitative' as const },
          y: { field, type: 'quantitative' as const },
          color: { datum: 'Validation', ...colour },
        },
      },
    ],
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: options.title ?? 'Training progress',
    data: { values },
    vconcat: [panel('accuracy', 'Accuracy (%)'), panel('loss', 'Loss')],
    config: { font: 'Helvetica, Arial, sans-serif' },
  } as TopLevelSpec;
}
