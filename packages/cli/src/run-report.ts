import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '@nabla/io/node';
import { type IterationRecord, trainingProgressSpec } from '@nabla/models';
import type { TopLevelSpec } from 'vega-lite';
import { chartHtml, renderSvg } from './render-chart.js';
import { writeJson } from './model-files.js';

export const PROGRESS_SVG = 'training-progress.svg';
export const PROGRESS_HTML = 'training-progress.html';

/** Draws the training-progress chart to `dir/training-progress.svg` and `.html`; returns the SVG's path. */
export async function writeProgressChart(
  dir: string,
  history: readonly IterationRecord[],
  title: string,
): Promise<string> {
  const spec = trainingProgressSpec({ history, title }) as unknown as TopLevelSpec;
  const svg = await renderSvg(spec);
  const svgPath = join(dir, PROGRESS_SVG);
  await writeFile(svgPath, svg);
  await writeFile(join(dir, PROGRESS_HTML), chartHtml(spec, svg, title));
  return svgPath;
}

/** The confusion matrix as JSON (counts[true][predicted]) and CSV. */
export async function writeConfusionMatrix(
  dir: string,
  counts: number[][],
  classes: readonly string[],
  dataset: string,
): Promise<void> {
  await writeJson(join(dir, 'confusion-matrix.json'), {
    dataset,
    rows: 'true class',
    columns: 'predicted class',
    classes,
    counts,
  });
  const lines = [
    `true\\predicted,${classes.join(',')}`,
    ...counts.map((row, i) => `${classes[i]},${row.join(',')}`),
  ];
  await writeFileAtomic(join(dir, 'confusion-matrix.csv'), new TextEncoder().encode(`${lines.join('\n')}\n`));
}

/** The confusion matrix as a text table for the terminal (rows: true class; columns: predicted). */
export function formatConfusionMatrix(counts: number[][], classes: readonly string[]): string {
  // Columns as wide as the longest count or class name (photo classes are words, not digits).
  const width =
    Math.max(4, ...counts.flat().map((c) => String(c).length), ...classes.map((c) => c.length)) + 1;
  const first = Math.max(10, ...classes.map((c) => c.length + 1));
  const head = `${'true\\pred'.padEnd(first)}${classes.map((c) => c.padStart(width)).join('')}`;
  const rows = counts.map(
    (row, i) => `${classes[i]!.padEnd(first)}${row.map((c) => String(c).padStart(width)).join('')}`,
  );
  return [head, ...rows].join('\n');
}
