import type { TopLevelSpec } from 'vega-lite';

/**
 * The training-progress chart for a live page. It draws what the CLI's chart draws (Matlab's
 * training-progress window: accuracy on top, loss below, each with the raw mini-batch curve, its
 * trailing-mean smoothing and the validation points, and a rule at each epoch boundary), but its
 * data are two *named* sources that the page streams rows into (`view.insert`) after every
 * iteration, instead of values inlined once at the end. The CLI's copy lives in
 * packages/cli/src/training-progress-spec.ts; the two should become one spec in a package both
 * may import (nothing may import the cli).
 */

/** Named data source of the measurement rows (see `progressRows`). */
export const PROGRESS_DATA = 'progress';
/** Named data source of the epoch boundaries: `{ iteration }` of each epoch's last iteration. */
export const EPOCH_DATA = 'epochs';

/** The part of an iteration record the chart needs (a subset of @nabla/models' IterationRecord). */
export interface ProgressPoint {
  epoch: number;
  iteration: number;
  miniBatchLoss: number;
  /** Percent. */
  miniBatchAccuracy: number;
  validationLoss?: number;
  validationAccuracy?: number;
}

export interface ProgressRow {
  iteration: number;
  epoch: number;
  series: 'Training' | 'Validation';
  /** Percent; null where missing (vega treats null, not NaN, as no value). */
  accuracy: number | null;
  loss: number | null;
}

export interface TrainingProgressOptions {
  title?: string;
  /** Iterations averaged by the smoothed training curve (a trailing window); default 10. */
  smoothing?: number;
  /** Width of each panel in pixels; default 520. */
  width?: number;
  /** Height of each panel in pixels; default 170. */
  height?: number;
}

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

/** The vega-lite spec; its two named sources start empty. */
export function trainingProgressSpec(options: TrainingProgressOptions = {}): TopLevelSpec {
  const smoothing = Math.max(1, Math.floor(options.smoothing ?? 10));
  const width = options.width ?? 520;
  const height = options.height ?? 170;
  const colour = {
    scale: { domain: SERIES, range: COLOURS },
    legend: { title: null, orient: 'bottom' as const },
  };
  const x = { field: 'iteration', type: 'quantitative' as const, title: 'Iteration' };
  const panel = (field: 'accuracy' | 'loss', title: string) => ({
    width,
    height,
    layer: [
      {
        data: { name: EPOCH_DATA },
        mark: { type: 'rule' as const, color: '#bbbbbb', strokeDash: [2, 2] },
        encoding: { x },
      },
      {
        data: { name: PROGRESS_DATA },
        transform: [{ filter: "datum.series === 'Training'" }, { filter: `isValid(datum.${field})` }],
        mark: { type: 'line' as const, strokeWidth: 1 },
        encoding: {
          x,
          y: { field, type: 'quantitative' as const, title },
          color: { datum: 'Training', ...colour },
        },
      },
      {
        data: { name: PROGRESS_DATA },
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
          x,
          y: { field: 'smoothed', type: 'quantitative' as const },
          color: { datum: 'Training (smoothed)', ...colour },
        },
      },
      {
        data: { name: PROGRESS_DATA },
        transform: [{ filter: "datum.series === 'Validation'" }, { filter: `isValid(datum.${field})` }],
        mark: { type: 'line' as const, strokeDash: [4, 3], point: { filled: true, size: 30 } },
        encoding: {
          x,
          y: { field, type: 'quantitative' as const },
          color: { datum: 'Validation', ...colour },
        },
      },
    ],
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: options.title ?? 'Training progress',
    vconcat: [panel('accuracy', 'Accuracy (%)'), panel('loss', 'Loss')],
    config: { font: 'Helvetica, Arial, sans-serif' },
  } as TopLevelSpec;
}
