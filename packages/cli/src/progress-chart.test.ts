import assert from 'node:assert/strict';
import { test } from 'node:test';
import { trainingProgressSpec as modelsSpec, type ProgressPoint } from '@nabla/models';
import { propertyParameters } from '@nabla/tensor/testing';
import fc from 'fast-check';
import type { TopLevelSpec } from 'vega-lite';
import { chartHtml, renderSvg } from './render-chart.js';

// A fresh seed each run, printed; NABLA_SEED=<seed> replays it (see @nabla/tensor/testing).
fc.configureGlobal(propertyParameters());

/** The CLI's use: a finished run's history inlined. */
const trainingProgressSpec = (history: readonly ProgressPoint[], options: { title?: string } = {}) =>
  modelsSpec({ history, ...options }) as unknown as TopLevelSpec;

type Row = { series: string; iteration: number; accuracy: number | null; loss: number | null };
const rowsOf = (spec: TopLevelSpec) =>
  (spec as unknown as { vconcat: { layer: { data: { values: Row[] } }[] }[] }).vconcat[0]!.layer[1]!.data
    .values;

/** A history like trainNetwork's: `perEpoch` iterations per epoch, validation every `every`. */
function history(iterations: number, perEpoch: number, every: number): ProgressPoint[] {
  return Array.from({ length: iterations }, (_, i) => ({
    epoch: Math.floor(i / perEpoch) + 1,
    iteration: i + 1,
    miniBatchLoss: 2 / (i + 1),
    miniBatchAccuracy: 100 - 90 / (i + 1),
    ...((i + 1) % every === 0
      ? { validationLoss: 2.5 / (i + 1), validationAccuracy: 100 - 95 / (i + 1) }
      : {}),
  }));
}

test('the spec holds one training row per iteration and one validation row per validation', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 200 }),
      fc.integer({ min: 1, max: 50 }),
      fc.integer({ min: 1, max: 40 }),
      (n, perEpoch, every) => {
        const spec = trainingProgressSpec(history(n, perEpoch, every));
        const rows = rowsOf(spec);
        assert.equal(rows.filter((r) => r.series === 'Training').length, n);
        assert.equal(rows.filter((r) => r.series === 'Validation').length, Math.floor(n / every));
        // JSON has no NaN: the spec must survive a round trip unchanged (what the HTML page embeds).
        assert.deepEqual(JSON.parse(JSON.stringify(spec)), spec);
      },
    ),
  );
});

test('missing values become null, not NaN, and epoch boundaries get rules', () => {
  const h = history(6, 3, 3);
  h[1]!.miniBatchAccuracy = Number.NaN;
  const spec = trainingProgressSpec(h);
  assert.equal(rowsOf(spec)[1]!.accuracy, null);
  const json = JSON.stringify(spec);
  assert.ok(!json.includes('NaN'));
  assert.match(json, /"values":\[\{"iteration":3\}\]/, 'one boundary, after iteration 3');
});

test('vega renders the chart to SVG in Node: both panels, the legend and the title', async () => {
  const spec = trainingProgressSpec(history(60, 20, 10), { title: 'LeNet on MNIST' });
  const svg = await renderSvg(spec);
  assert.match(svg, /^<svg /);
  for (const text of [
    'LeNet on MNIST',
    'Accuracy (%)',
    'Loss',
    'Iteration',
    'Training (smoothed)',
    'Validation',
  ]) {
    assert.ok(svg.includes(text), `the SVG shows "${text}"`);
  }
  // Two panels of lines: the raw, smoothed and validation curves, each drawn as a path.
  assert.ok((svg.match(/<path/g) ?? []).length >= 6);
  const html = chartHtml(spec, svg, 'a </script> title');
  assert.ok(html.includes('a &lt;/script&gt; title'));
  const embedded = html.match(/<script type="application\/json" id="spec">(.*?)<\/script>/s)![1]!;
  assert.deepEqual(JSON.parse(embedded), spec);
});
