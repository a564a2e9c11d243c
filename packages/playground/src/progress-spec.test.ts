import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse, View } from 'vega';
import { compile } from 'vega-lite';
import { EPOCH_DATA, PROGRESS_DATA, progressRows, trainingProgressSpec } from '@nabla/models';
import type { TopLevelSpec } from 'vega-lite';

test('progressRows: one training row per iteration, a validation row only when it validated, null for non-finite', () => {
  assert.deepEqual(progressRows({ epoch: 1, iteration: 3, miniBatchLoss: 0.5, miniBatchAccuracy: 75 }), [
    { iteration: 3, epoch: 1, series: 'Training', accuracy: 75, loss: 0.5 },
  ]);
  assert.deepEqual(
    progressRows({
      epoch: 2,
      iteration: 9,
      miniBatchLoss: Number.NaN,
      miniBatchAccuracy: 50,
      validationLoss: 0.25,
      validationAccuracy: 90,
    }),
    [
      { iteration: 9, epoch: 2, series: 'Training', accuracy: 50, loss: null },
      { iteration: 9, epoch: 2, series: 'Validation', accuracy: 90, loss: 0.25 },
    ],
  );
});

test('the spec compiles to one vega source per name, and streamed rows reach every curve', async () => {
  const vg = compile(trainingProgressSpec({ smoothing: 2 }) as unknown as TopLevelSpec).spec;
  const names = (vg.data ?? []).map((d) => d.name);
  assert.equal(names.filter((n) => n === PROGRESS_DATA).length, 1);
  assert.equal(names.filter((n) => n === EPOCH_DATA).length, 1);
  const view = new View(parse(vg), { renderer: 'none' });
  await view.runAsync();
  const records = [
    {
      epoch: 1,
      iteration: 1,
      miniBatchLoss: 2.3,
      miniBatchAccuracy: 10,
      validationLoss: 2.2,
      validationAccuracy: 12,
    },
    { epoch: 1, iteration: 2, miniBatchLoss: 1.9, miniBatchAccuracy: 30 },
    {
      epoch: 2,
      iteration: 3,
      miniBatchLoss: 1.1,
      miniBatchAccuracy: 70,
      validationLoss: 1.0,
      validationAccuracy: 75,
    },
  ];
  // As the page does: one insert and one run per iteration (vega keeps only the last change
  // given to a source between runs).
  for (const r of records) await view.insert(PROGRESS_DATA, progressRows(r)).runAsync();
  await view.insert(EPOCH_DATA, [{ iteration: 2 }]).runAsync();
  assert.equal(view.data(PROGRESS_DATA).length, 5);
  // The smoothed curve is a trailing mean over 2 iterations: (10 + 30) / 2 at iteration 2.
  const svg = await view.toSVG();
  for (const label of [
    'Training (smoothed)',
    'Training',
    'Validation',
    'Accuracy (%)',
    'Loss',
    'Iteration',
  ]) {
    assert.ok(svg.includes(`>${label}<`), `the chart shows ${label}`);
  }
  // Accuracy (10 + 30) / 2 = 20 and loss (2.3 + 1.9) / 2 = 2.1 at iteration 2: one window per panel.
  const windows = vg.data!.filter((d) => (d.transform ?? []).some((t) => t.type === 'window'));
  assert.equal(windows.length, 2);
  const at2 = windows.map((d) => {
    const rows = view.data(d.name) as { iteration: number; smoothed: number }[];
    return rows.find((r) => r.iteration === 2)!.smoothed;
  });
  assert.equal(at2[0], 20);
  assert.ok(Math.abs(at2[1]! - 2.1) < 1e-12, `smoothed loss ${at2[1]}`);
  view.finalize();
});
