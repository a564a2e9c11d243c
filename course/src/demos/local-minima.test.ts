import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { GENERATED_DIR } from '../output.js';
import { clusterData, descend, inGlobalBasin, lossAt, MAIN, mainComparison } from './local-minima.js';

// The claim: "random sampling helps avoid local minima". The page's comparison is cheap (a few
// seconds), so the test runs it whole and checks the committed figures against it.
const { minima, full, sgd } = mainComparison();
const [global, local] = minima;

test('J has exactly two minima: the global one at the large cluster, a spurious one at the small', () => {
  assert.equal(minima.length, 2);
  assert.ok(Math.abs(global!.theta) < 0.2 && Math.abs(local!.theta - 4) < 0.2, JSON.stringify(minima));
  assert.ok(local!.loss > global!.loss + 0.3, JSON.stringify(minima));
});

test('full-batch descent stalls in the spurious minimum on every seed; batch-1 SGD reaches the global one on most', () => {
  assert.ok(MAIN.seeds.length >= 5);
  for (const r of full) {
    assert.ok(
      Math.abs(r.loss - local!.loss) < 1e-4,
      `full batch, seed ${r.seed}: J ${r.loss} vs ${local!.loss}`,
    );
    assert.ok(Math.abs(r.theta - local!.theta) < 0.01, `full batch, seed ${r.seed}: θ ${r.theta}`);
  }
  // The same starts: SGD differs only by drawing one random example per step.
  sgd.forEach((r, i) => {
    assert.equal(r.theta0, full[i]!.theta0);
  });
  const reached = sgd.filter((r) => Math.abs(r.loss - global!.loss) < 5e-3);
  assert.ok(
    reached.length >= 0.8 * sgd.length,
    `SGD reached the global minimum on ${reached.length} of ${sgd.length}`,
  );
  for (const r of reached) assert.ok(inGlobalBasin(r.theta, global!.theta, local!.theta));
});

test('only with enough noise: batch 10 at the same α stays in the spurious minimum', () => {
  const x = clusterData();
  for (const seed of [0, 1, 2]) {
    const r = descend(x, { batchSize: 10, lr: MAIN.lr, epochs: MAIN.epochs, seed });
    assert.ok(Math.abs(r.loss - local!.loss) < 1e-3, `batch 10, seed ${seed}: ${r.loss}`);
  }
  assert.equal(lossAt(local!.theta, x), local!.loss);
});

test('the committed figures are those of a fresh run', {
  skip: !existsSync(join(GENERATED_DIR, 'local-minima.json')),
}, () => {
  const committed = JSON.parse(readFileSync(join(GENERATED_DIR, 'local-minima.json'), 'utf8')).figures;
  assert.deepEqual(committed.problem.minima, minima);
  assert.deepEqual(committed.main.settings, MAIN);
  const slim = (runs: typeof full) =>
    runs.map(({ seed, theta0, theta, loss }) => ({ seed, theta0, theta, loss }));
  assert.deepEqual(committed.main.full, slim(full));
  assert.deepEqual(committed.main.sgd, slim(sgd));
});
