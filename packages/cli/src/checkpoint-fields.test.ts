import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { encodeCheckpoint } from '@nabla/io';
import { alexnet, assembleNetwork } from '@nabla/models';
import { NDArray, Random } from '@nabla/tensor';
import { propertyParameters } from '@nabla/tensor/testing';
import fc from 'fast-check';
import { alexnetTensorShapes } from './alexnet-shapes.js';
import { CHECKPOINT_FILE, readCheckpoint } from './checkpoint.js';
import { modelLayers } from './model-layers.js';
import { tempDir } from './testing/fixtures.js';
import { isUserError } from './user-error.js';

fc.configureGlobal(propertyParameters());

const dir = tempDir('nabla-checkpoint-fields-');
after(() => rmSync(dir, { recursive: true, force: true }));

const net = assembleNetwork(modelLayers('mlp'), { generator: new Random(1) });
net.fitNormalization(new NDArray(new Float32Array(2 * 784).fill(0.5), [2, 784]));
const weights = net.stateDict();
const buffers = new Map<string, NDArray>();
net.body.parameters().forEach((p, i) => {
  buffers.set(`${i}.momentum_buffer`, new NDArray(new Float32Array(p.size), p.shape));
});
const state = {
  config: {
    model: 'mlp',
    epochs: 3,
    batchSize: 16,
    learnRate: 0.01,
    seed: 0,
    trainSize: 40,
    valSize: 10,
    full: false,
    validationFrequency: 30,
    threads: 1,
    files: { trainImages: '/data/a', trainLabels: '/data/b' },
  },
  epoch: 1,
  iteration: 2,
  generatorState: new Random(3).getState(),
  optimizer: { step: 2, learningRate: 0.01 },
  history: [
    {
      epoch: 1,
      iteration: 1,
      timeElapsed: 0.1,
      miniBatchLoss: 2.3,
      miniBatchAccuracy: 10,
      learningRate: 0.01,
    },
    {
      epoch: 1,
      iteration: 2,
      timeElapsed: 0.2,
      miniBatchLoss: 2.2,
      miniBatchAccuracy: 20,
      learningRate: 0.01,
    },
  ],
  elapsedSeconds: 1,
};

let count = 0;
async function read(s: unknown, opt: Map<string, NDArray> = buffers, w: Map<string, NDArray> = weights) {
  const d = join(dir, `c${count++}`);
  mkdirSync(d);
  writeFileSync(join(d, CHECKPOINT_FILE), encodeCheckpoint({ weights: w, optimizer: opt, state: s }));
  return readCheckpoint(d);
}

test('a valid checkpoint is read back with its settings, snapshot and buffers', async () => {
  const c = await read(state);
  assert.equal(c.config.trainSize, 40);
  assert.equal(c.snapshot.iteration, 2);
  assert.equal(c.snapshot.optimizerState.buffers.size, 6);
  assert.equal(c.snapshot.history.length, 2);
});

test('each invalid field is refused by name: buffers, generator, ranges, history', async () => {
  const cases: [unknown, RegExp, Map<string, NDArray>?][] = [
    [state, /one momentum buffer per parameter: missing 0\.momentum_buffer/, new Map([...buffers].slice(1))],
    [
      { ...state, generatorState: [0, 0, 0, 0] },
      /generatorState \[0,0,0,0\] is not a state the generator accepts/,
    ],
    [{ ...state, iteration: -5 }, /iteration must be an integer from 0/],
    [{ ...state, config: { ...state.config, trainSize: 40.5 } }, /config\.trainSize must be an integer/],
    [
      { ...state, config: { ...state.config, threads: 100000 } },
      /config\.threads must be an integer from 1 to 16/,
    ],
    [{ ...state, history: [null, null] }, /history\[0\] is not a record/],
    [{ ...state, optimizer: { step: 7, learningRate: 0.01 } }, /optimizer\.step 7 differs from iteration 2/],
    [{ ...state, epoch: 9 }, /epoch must be an integer from 0 to 3/],
  ];
  for (const [s, pattern, opt] of cases)
    await assert.rejects(read(s, opt), (e: unknown) => isUserError(e) && pattern.test((e as Error).message));
});

/** A JSON value of any kind, to put in place of a field. */
const junk = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer({ min: -3, max: 100 }),
  fc.constantFrom(0.5, 1e300, -1, 100000, 2 ** 32, Number.MAX_SAFE_INTEGER),
  fc.string({ maxLength: 6 }),
  fc.array(fc.integer({ min: -1, max: 2 ** 32 }), { maxLength: 6 }),
  fc.dictionary(fc.string({ maxLength: 4 }), fc.integer()),
);

test('property: a checkpoint with any state field replaced is resumed as it was, or refused as a user error — never a crash', async () => {
  const paths: string[][] = [
    ...Object.keys(state).map((k) => [k]),
    ...Object.keys(state.config).map((k) => ['config', k]),
    ['config', 'files', 'trainImages'],
    ['optimizer', 'step'],
    ['optimizer', 'learningRate'],
    ['history', '0'],
    ['history', '1', 'miniBatchLoss'],
    ['generatorState', '0'],
    ['generatorState', '4'],
    ['fixedOrder'],
  ];
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...paths), junk, async (path, value) => {
      const s = structuredClone(state) as Record<string, unknown>;
      let at = s;
      for (const key of path.slice(0, -1)) at = at[key] as Record<string, unknown>;
      at[path.at(-1)!] = value;
      try {
        const c = await read(s);
        // Accepted: every number the resume uses is then in range.
        assert.ok(Number.isSafeInteger(c.snapshot.iteration) && c.snapshot.iteration >= 0);
        assert.ok(c.config.epochs >= c.snapshot.epoch && c.config.epochs <= 100_000);
        new Random(0).setState(c.snapshot.generatorState);
      } catch (e) {
        assert.ok(
          isUserError(e),
          `${(e as Error).name}: ${(e as Error).message} (${path.join('.')} = ${JSON.stringify(value)})`,
        );
      }
    }),
    { numRuns: 300 },
  );
});

test("the AlexNet shapes the CLI checks a weights file against are @nabla/models' AlexNet's", () => {
  const shapes = new Map([...alexnet({ numClasses: 7 }).body.stateDict()].map(([k, v]) => [k, [...v.shape]]));
  assert.deepEqual([...alexnetTensorShapes(7)].sort(), [...shapes].sort());
});
