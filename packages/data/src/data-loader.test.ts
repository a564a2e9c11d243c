import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NDArray, Random } from '@nabla/tensor';
import { propertyParameters } from '@nabla/tensor/testing';
import fc from 'fast-check';
import { DataLoader, type DataLoaderState } from './data-loader.js';
import { TensorDataset } from './dataset.js';

// A fresh seed each run, printed; NABLA_SEED=<seed> replays it (see @nabla/tensor/testing).
fc.configureGlobal(propertyParameters());

/** A dataset whose sample i is the single value i and whose label is i mod 3, so batches show their indices. */
function numbered(n: number): TensorDataset {
  return new TensorDataset(
    new NDArray(
      Float32Array.from({ length: n }, (_, i) => i),
      [n, 1],
    ),
    Int32Array.from({ length: n }, (_, i) => i % 3),
  );
}

function epoch(loader: DataLoader): number[][] {
  return [...loader].map((b) => [...b.indices]);
}

test('each epoch covers every index exactly once, batches of batchSize, the last one smaller', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 60 }),
      fc.integer({ min: 1, max: 20 }),
      fc.boolean(),
      (n, batchSize, shuffle) => {
        const loader = new DataLoader(numbered(n), { batchSize, shuffle, generator: new Random(1) });
        for (let e = 0; e < 2; e++) {
          const batches = [...loader];
          assert.equal(batches.length, loader.numBatches);
          assert.equal(loader.numBatches, Math.ceil(n / batchSize));
          const seen = batches.flatMap((b) => [...b.indices]).sort((a, b) => a - b);
          assert.deepEqual(
            seen,
            Array.from({ length: n }, (_, i) => i),
          );
          for (const [k, b] of batches.entries()) {
            assert.equal(
              b.indices.length,
              k < batches.length - 1 ? batchSize : n - batchSize * (batches.length - 1),
            );
            assert.deepEqual(b.x.shape, [b.indices.length, 1]);
            assert.deepEqual([...b.x.data], [...b.indices]);
            assert.deepEqual(
              [...b.y],
              [...b.indices].map((i) => i % 3),
            );
          }
          assert.equal(loader.epoch, e + 1);
        }
      },
    ),
  );
});

test('without shuffle the order is 0 … N−1; with shuffle each epoch draws a fresh permutation', () => {
  assert.deepEqual(epoch(new DataLoader(numbered(5), { batchSize: 2 })), [[0, 1], [2, 3], [4]]);
  const loader = new DataLoader(numbered(50), { batchSize: 50, shuffle: true, generator: new Random(3) });
  const [first, second] = [epoch(loader)[0]!, epoch(loader)[0]!];
  assert.notDeepEqual(first, second);
  assert.notDeepEqual(
    first,
    Array.from({ length: 50 }, (_, i) => i),
  );
});

test('the same seed gives the same batches; another seed gives others', () => {
  const run = (seed: number) => {
    const loader = new DataLoader(numbered(30), { batchSize: 4, shuffle: true, generator: new Random(seed) });
    return [epoch(loader), epoch(loader), epoch(loader)];
  };
  assert.deepEqual(run(7), run(7));
  assert.notDeepEqual(run(7), run(8));
});

test('dropLast drops the smaller last batch; numBatches says so', () => {
  const loader = new DataLoader(numbered(10), {
    batchSize: 3,
    dropLast: true,
    shuffle: true,
    generator: new Random(0),
  });
  assert.equal(loader.numBatches, 3);
  const batches = epoch(loader);
  assert.equal(batches.length, 3);
  assert.ok(batches.every((b) => b.length === 3));
  assert.equal(new Set(batches.flat()).size, 9);
  assert.equal(new DataLoader(numbered(9), { batchSize: 3, dropLast: true }).numBatches, 3);
});

test('a loader restored from state() sees exactly the batches the uninterrupted one sees', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 40 }),
      fc.integer({ min: 1, max: 9 }),
      fc.boolean(),
      fc.boolean(),
      fc.nat({ max: 30 }),
      fc.integer(),
      (n, batchSize, shuffle, dropLast, stopAfter, seed) => {
        fc.pre(!dropLast || n >= batchSize);
        const options = { batchSize, shuffle, dropLast };
        const reference = new DataLoader(numbered(n), { ...options, generator: new Random(seed) });
        const all = [...epoch(reference), ...epoch(reference), ...epoch(reference)];

        // Interrupted run: take `stopAfter` batches, save the state through JSON, drop the loader.
        const first = new DataLoader(numbered(n), { ...options, generator: new Random(seed) });
        const taken: number[][] = [];
        let saved: DataLoaderState | null = null;
        outer: for (let e = 0; e < 3; e++) {
          for (const b of first) {
            taken.push([...b.indices]);
            if (taken.length === Math.min(stopAfter, all.length)) {
              saved = JSON.parse(JSON.stringify(first.state()));
              break outer;
            }
          }
        }
        const resumed = new DataLoader(numbered(n), { ...options, generator: new Random(12345) });
        if (saved) resumed.setState(saved);
        const rest: number[][] = [];
        while (taken.length + rest.length < all.length) rest.push(...epoch(resumed));
        assert.deepEqual([...taken, ...rest], all);
      },
    ),
    { numRuns: 200 },
  );
});

test('restoring keeps a generator shared with other users on its saved stream', () => {
  const g = new Random(5);
  const loader = new DataLoader(numbered(20), { batchSize: 5, shuffle: true, generator: g });
  const it = loader[Symbol.iterator]();
  it.next();
  g.uniform(); // e.g. dropout drawing from the same generator
  const saved = loader.state();
  const next = g.uniform();
  const other = new Random(0);
  const restored = new DataLoader(numbered(20), { batchSize: 5, shuffle: true, generator: other });
  restored.setState(saved);
  assert.equal(other.uniform(), next);
});

test('DataLoader refuses bad settings and foreign states, naming itself', () => {
  assert.throws(() => new DataLoader(numbered(5), { batchSize: 0 }), {
    name: 'ValueError',
    message: /^DataLoader: batchSize must be an integer >= 1, got 0/,
  });
  assert.throws(() => new DataLoader(numbered(5), { batchSize: 2.5 }), /batchSize/);
  assert.throws(() => new DataLoader(numbered(5), { batchSize: 6, dropLast: true }), /leaves no batch/);
  assert.throws(
    () =>
      new DataLoader({
        length: 0,
        sampleShape: [1],
        gather: () => ({ x: new NDArray(new Float32Array(0), [0]), y: new Int32Array(0) }),
      }),
    /empty/,
  );
  const loader = new DataLoader(numbered(10), { batchSize: 2 });
  const state = loader.state();
  assert.throws(
    () => new DataLoader(numbered(11), { batchSize: 2 }).setState(state),
    /saved with length 10, this loader has 11/,
  );
  assert.throws(() => loader.setState({ ...state, batch: 5 }), /batch must be an integer in \[0, 5\)/);
  assert.throws(() => loader.setState({ ...state, epoch: -1 }), /epoch/);
});

test('numBatches, epoch and batch report the position', () => {
  const loader = new DataLoader(numbered(7), { batchSize: 3 });
  assert.equal(loader.numBatches, 3);
  const it = loader[Symbol.iterator]();
  it.next();
  assert.deepEqual([loader.epoch, loader.batch], [0, 1]);
  it.next();
  it.next();
  assert.deepEqual([loader.epoch, loader.batch], [1, 0]);
  assert.equal(it.next().done, true);
});
