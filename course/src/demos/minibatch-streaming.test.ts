import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lossDrop, streamingDemo } from './minibatch-streaming.js';

// The claim: "mini-batches: no need to load the whole dataset, training still stable". A small
// version of the demo (N and 10·N digits instead of 6,000 and 60,000), asserting memory bounds
// (never a time) and that the loss falls.
test('streamed from disk, memory stays flat in the dataset size; loaded whole, it grows; the loss falls', () => {
  const n = 1_000;
  const runs = streamingDemo({ sizes: [n, 10 * n] });
  const run = (mode: string, examples: number) =>
    runs.find((r) => r.mode === mode && r.examples === examples)!;
  const live = (r: (typeof runs)[number]) => r.peak.heapUsed + r.peak.arrayBuffers;
  const [streamSmall, streamLarge] = [run('stream', n), run('stream', 10 * n)];
  const [wholeSmall, wholeLarge] = [run('whole', n), run('whole', 10 * n)];
  const extraPixels = 9 * n * 784;

  // Streamed: ten times the data adds at most the DataLoader's shuffled index (4 bytes per example)
  // and 2 MiB of slack (the live memory of the same run jitters by up to 1 MB from one process to the
  // next, measured), and less than a twentieth of what loading whole adds; the whole run holds less
  // than half of what the files hold.
  const streamedGrowth = live(streamLarge) - live(streamSmall);
  const wholeGrowth = live(wholeLarge) - live(wholeSmall);
  assert.ok(
    streamedGrowth <= 4 * 9 * n + 2 * 1024 * 1024 && streamedGrowth < wholeGrowth / 20,
    `streamed: ${live(streamSmall)} → ${live(streamLarge)} bytes; whole: ${live(wholeSmall)} → ${live(wholeLarge)}`,
  );
  assert.ok(
    live(streamLarge) < streamLarge.fileBytes / 2,
    `streamed ${live(streamLarge)} vs file ${streamLarge.fileBytes}`,
  );
  // Loaded whole: at least the float32 copy of the extra examples (4 bytes per pixel) is held.
  assert.ok(
    live(wholeLarge) - live(wholeSmall) >= 4 * extraPixels,
    `whole: ${live(wholeSmall)} → ${live(wholeLarge)}`,
  );
  // The process as a whole (rss, noisier) agrees: streaming holds far less than loading.
  assert.ok(
    streamLarge.peak.rss < wholeLarge.peak.rss - 2 * extraPixels,
    `rss ${streamLarge.peak.rss} vs ${wholeLarge.peak.rss}`,
  );

  for (const examples of [n, 10 * n]) {
    // The same seed draws the same mini-batches from the files as from memory: the same losses.
    assert.deepEqual(run('stream', examples).losses, run('whole', examples).losses);
    assert.equal(run('stream', examples).losses.length, Math.floor(examples / 128));
  }
  // Training still works: over the epoch of 10·N digits the mini-batch loss falls by more than half.
  const { first, last } = lossDrop(streamLarge);
  assert.ok(last < 0.5 * first, `loss ${first} → ${last}`);
});
