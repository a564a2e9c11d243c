import type { IterationRecord } from './training-options.js';

/**
 * Matlab's verbose training table:
 * | Epoch | Iteration | Time Elapsed (hh:mm:ss) | Mini-batch Accuracy | Validation Accuracy |
 * | Mini-batch Loss | Validation Loss | Base Learning Rate |
 */
const columns = [
  ['Epoch', ''],
  ['Iteration', ''],
  ['Time Elapsed', '(hh:mm:ss)'],
  ['Mini-batch', 'Accuracy'],
  ['Validation', 'Accuracy'],
  ['Mini-batch', 'Loss'],
  ['Validation', 'Loss'],
  ['Base Learning', 'Rate'],
] as const;
const widths = [9, 13, 16, 14, 14, 14, 14, 17];

function rule(): string {
  return `|${'='.repeat(widths.reduce((a, b) => a + b + 1, -1))}|`;
}

function center(text: string, width: number): string {
  const left = Math.floor((width - text.length) / 2);
  return ' '.repeat(Math.max(0, left)) + text + ' '.repeat(Math.max(0, width - text.length - left));
}

/** The header lines of Matlab's verbose training table. */
export function formatVerboseHeader(classification: boolean): string[] {
  const cells = (row: 0 | 1) =>
    columns.map(([a, b], i) => {
      const text = row === 0 ? a : b;
      const shown = !classification && text === 'Accuracy' ? 'RMSE' : text;
      return center(shown, widths[i]!);
    });
  return [rule(), `|${cells(0).join('|')}|`, `|${cells(1).join('|')}|`, rule()];
}

/** Seconds as Matlab's hh:mm:ss. */
export function formatDuration(seconds: number): string {
  const s = Math.floor(seconds);
  const hh = String(Math.floor(s / 3600)).padStart(2, '0');
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, '0');
  const ss = String(s % 60).padStart(2, '0');
  return `${hh}:${mm}:${ss}`;
}

/** One row of the verbose table. */
export function formatVerboseRow(r: IterationRecord, classification: boolean): string {
  const pct = (v: number | undefined) => (v === undefined || Number.isNaN(v) ? '' : `${v.toFixed(2)}%`);
  const num = (v: number | undefined) => (v === undefined || Number.isNaN(v) ? '' : v.toFixed(4));
  const cells = [
    String(r.epoch),
    String(r.iteration),
    formatDuration(r.timeElapsed),
    classification ? pct(r.miniBatchAccuracy) : '',
    classification ? pct(r.validationAccuracy) : '',
    num(r.miniBatchLoss),
    num(r.validationLoss),
    r.learningRate.toFixed(4),
  ];
  return `|${cells.map((c, i) => `${c.padStart(widths[i]! - 1)} `).join('|')}|`;
}

/** The table's closing line. */
export function formatVerboseFooter(): string {
  return rule();
}
