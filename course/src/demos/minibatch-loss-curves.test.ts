import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lossCurves, summarize } from './minibatch-loss-curves.js';

// The claim: "mini-batches … training still stable". A small version of the demo (20 passes
// instead of 40, three seeds instead of five): the mini-batch curves reach the loss that full-batch
// descent settles at, and their noise shrinks as the batch grows.
test('mini-batch SGD reaches the full-batch loss level, with noise that shrinks with the batch size', () => {
  const n = 1024;
  const { curves, fullBatchLong } = lossCurves({
    n,
    epochs: 20,
    batchSizes: [1, 32, 128, n],
    seeds: [0, 1, 2],
    lr: 0.1,
    fullBatchLonger: 20,
    every: 128,
  });
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const at = (batchSize: number) => curves.filter((c) => c.batchSize === batchSize).map(summarize);
  const settled = fullBatchLong.map(summarize);
  const level = mean(settled.map((s) => s.finalLoss));
  const fullSameWork = mean(at(n).map((s) => s.finalLoss));

  // Same examples seen: full-batch descent has made only 20 updates and is far from its level.
  assert.ok(fullSameWork > 2 * level, `full batch after 20 passes ${fullSameWork}, settled ${level}`);
  for (const batchSize of [1, 32, 128]) {
    const reached = mean(at(batchSize).map((s) => s.finalLoss));
    // Every mini-batch size gets within 15% of the settled full-batch loss with the same passes.
    assert.ok(reached <= 1.15 * level, `batch ${batchSize}: ${reached} vs full-batch level ${level}`);
    // The same on every seed: no run diverges or stalls.
    for (const s of at(batchSize))
      assert.ok(s.finalLoss <= 1.25 * level, `batch ${batchSize} seed ${s.seed}: ${s.finalLoss}`);
  }
  // The noise of the descent shrinks as the batch grows, down to the full-batch descent's.
  const noise = [1, 32, 128].map((b) => mean(at(b).map((s) => s.noise)));
  noise.push(mean(settled.map((s) => s.noise)));
  for (let i = 1; i < noise.length; i++)
    assert.ok(noise[i]! < noise[i - 1]!, `noise by batch size: ${noise.join(', ')}`);
  assert.ok(noise[0]! > 10 * noise[2]!, `batch 1 vs 128: ${noise[0]} vs ${noise[2]}`);
});
