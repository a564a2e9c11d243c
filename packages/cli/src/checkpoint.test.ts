import assert from 'node:assert/strict';
import { readdirSync, rmSync } from 'node:fs';
import { after, test } from 'node:test';
import { assembleNetwork, type TrainingSnapshot } from '@nabla/models';
import { NDArray, Random } from '@nabla/tensor';
import { type RunConfig, readCheckpoint, writeCheckpoint } from './checkpoint.js';
import { modelLayers } from './model-layers.js';
import { tempDir } from './testing/fixtures.js';

const dir = tempDir('nabla-checkpoint-');
after(() => rmSync(dir, { recursive: true, force: true }));

const config: RunConfig = {
  model: 'mlp',
  epochs: 3,
  batchSize: 4,
  learnRate: 0.01,
  seed: 5,
  trainSize: 30,
  valSize: 10,
  full: false,
  validationFrequency: 2,
  files: { trainImages: '/data/a', trainLabels: '/data/b' },
};

test('a checkpoint gives back the weights, optimizer buffers, generator, history and settings exactly', async () => {
  const generator = new Random(9);
  // The CLI's own MLP: a checkpoint must hold exactly its tensors, and one momentum buffer each.
  const net = assembleNetwork(modelLayers('mlp'), { generator });
  net.fitNormalization(
    new NDArray(
      Float32Array.from({ length: 2 * 784 }, (_, i) => (i % 7) / 7),
      [2, 784],
    ),
  );
  const buffers = new Map<string, NDArray>();
  net.body.parameters().forEach((p, i) => {
    const values = new Float32Array(p.size);
    values.set([1.5, -2, 1e-30, 3].slice(0, p.size));
    buffers.set(`${i}.momentum_buffer`, new NDArray(values, p.shape));
  });
  generator.normal(); // leaves a spare normal in the state: the checkpoint must carry its fifth entry
  const withSpare = generator.getState();
  for (const state of [withSpare, new Random(2).getState()]) {
    const snapshot: TrainingSnapshot = {
      epoch: 2,
      iteration: 14,
      generatorState: state,
      optimizerState: {
        step: 14,
        learningRate: 0.01,
        buffers,
      },
      history: [
        {
          epoch: 1,
          iteration: 1,
          timeElapsed: 0.123456789,
          miniBatchLoss: 2.3,
          miniBatchAccuracy: 12.5,
          learningRate: 0.01,
        },
        {
          epoch: 1,
          iteration: 2,
          timeElapsed: 0.2,
          miniBatchLoss: 2.1,
          miniBatchAccuracy: 25,
          learningRate: 0.01,
          validationLoss: 2.2,
          validationAccuracy: 20,
        },
      ],
      elapsedSeconds: 1.5,
    };
    await writeCheckpoint(dir, config, snapshot, net);
    const back = await readCheckpoint(dir);
    assert.deepEqual(back.config, config);
    assert.equal(back.snapshot.epoch, 2);
    assert.equal(back.snapshot.iteration, 14);
    assert.deepEqual(back.snapshot.generatorState, state);
    assert.deepEqual(back.snapshot.history, snapshot.history);
    assert.equal(back.snapshot.optimizerState.step, 14);
    assert.deepEqual(Array.from(back.snapshot.optimizerState.buffers.get('5.momentum_buffer')!.data), [
      1.5,
      -2,
      Math.fround(1e-30),
      3,
      0,
      0,
      0,
      0,
      0,
      0,
    ]);
    assert.equal(back.snapshot.optimizerState.buffers.size, 6);
    const weights = net.stateDict();
    assert.deepEqual([...back.weights.keys()].sort(), [...weights.keys()].sort());
    for (const [k, v] of weights) assert.deepEqual(back.weights.get(k)!.toArray(), v.toArray(), k);
  }
  assert.ok(
    new Random(2).getState().length === 4 && withSpare.length === 5,
    'both spare states were covered',
  );
  // Atomic replacement leaves no temporary file behind.
  assert.deepEqual(readdirSync(dir), ['checkpoint.safetensors']);
});
