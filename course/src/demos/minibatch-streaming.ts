import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeIdx } from '@nabla/data';
import { MNIST_FILES, mnistDataDir, readIdxFile } from '@nabla/data/node';
import type { FeedMode, FeedRun, FeedSettings } from './minibatch-streaming-train.js';

/** Options of {@link streamingDemo}. */
export interface StreamingDemoOptions {
  /** Dataset sizes: the first N MNIST training digits for each N (at most 60,000). */
  sizes: number[];
  batchSize?: number;
  hidden?: number;
  lr?: number;
  seed?: number;
}

/** One run's result, with the size of the files it read. */
export interface StreamingRun extends FeedRun {
  /** Bytes of the images file plus the labels file. */
  fileBytes: number;
}

const here = dirname(fileURLToPath(import.meta.url));

/**
 * The course's "mini-batches: no need to load the whole dataset". For each size N, the first N
 * MNIST training digits are written as two IDX files (uint8 images [N, 28, 28], labels [N]) to a
 * temporary folder; then one epoch of mini-batch SGD trains the same MLP from them twice, each in
 * a fresh Node process: streamed by an IdxDatastore (each mini-batch read from the files) and
 * loaded whole by readIdxFile. Each process records its live memory after every step. Streamed,
 * the memory does not depend on N; loaded whole, it grows with N. The folder is removed at the end.
 */
export function streamingDemo(options: StreamingDemoOptions): StreamingRun[] {
  const batchSize = options.batchSize ?? 128;
  const hidden = options.hidden ?? 64;
  const lr = options.lr ?? 0.05;
  const seed = options.seed ?? 0;
  const mnist = mnistDataDir();
  const images = readIdxFile(join(mnist, MNIST_FILES.trainImages.file));
  const labels = readIdxFile(join(mnist, MNIST_FILES.trainLabels.file));
  const dir = mkdtempSync(join(tmpdir(), 'nabla-minibatch-streaming-'));
  const runs: StreamingRun[] = [];
  try {
    for (const n of options.sizes) {
      const imagesPath = join(dir, `images-${n}.idx`);
      const labelsPath = join(dir, `labels-${n}.idx`);
      writeFileSync(
        imagesPath,
        encodeIdx({ dtype: 'uint8', shape: [n, 28, 28], data: images.data.subarray(0, n * 784) }),
      );
      writeFileSync(labelsPath, encodeIdx({ dtype: 'uint8', shape: [n], data: labels.data.subarray(0, n) }));
      const fileBytes = statSync(imagesPath).size + statSync(labelsPath).size;
      for (const mode of ['stream', 'whole'] as FeedMode[]) {
        const run = runInChild({ imagesPath, labelsPath, mode, batchSize, hidden, lr, seed });
        runs.push({ ...run, fileBytes });
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return runs;
}

/** trainFromFiles in a fresh `node --expose-gc` process with this one's loader flags (tsx). */
function runInChild(settings: FeedSettings): FeedRun {
  const child = spawnSync(
    process.execPath,
    [
      ...process.execArgv,
      '--expose-gc',
      join(here, 'minibatch-streaming-child.ts'),
      JSON.stringify(settings),
    ],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, cwd: join(here, '../..') },
  );
  if (child.status !== 0) {
    throw new Error(
      `minibatch-streaming: the ${settings.mode} run failed (status ${child.status}):\n${child.stderr}`,
    );
  }
  return JSON.parse(child.stdout.trim().split('\n').pop()!) as FeedRun;
}

/** Mean of the first and of the last `k` mini-batch losses of a run. */
export function lossDrop(run: FeedRun, k = 10): { first: number; last: number } {
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return { first: mean(run.losses.slice(0, k)), last: mean(run.losses.slice(-k)) };
}
