import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NDArray, Random } from '@nabla/tensor';
import { finetune } from './finetune.js';
import { mlp } from './mlp.js';
import type { Network } from './network.js';
import { trainNetwork } from './train-network.js';
import { trainingOptions } from './training-options.js';

/**
 * trainNetwork's augment hook (augmentedImageDatastore): each mini-batch reaches it raw, before
 * the input normalization, and a hook that changes nothing trains bit-identically to no hook.
 */

function data(seed: number) {
  const g = new Random(seed);
  const x = new NDArray(
    Float32Array.from({ length: 24 * 4 }, () => g.uniformRange(0, 10)),
    [24, 4],
  );
  const y = Int32Array.from({ length: 24 }, (_, i) => i % 3);
  return { x, y };
}

const options = () =>
  trainingOptions('sgdm', {
    maxEpochs: 2,
    miniBatchSize: 8,
    initialLearnRate: 0.05,
    verbose: false,
    seed: 5,
  });

const weights = (net: Network) => [...net.stateDict().values()].map((v) => [...(v.values() as Float32Array)]);

test('the augment hook sees raw rows; an identity hook trains bit-identically to none', async () => {
  const d = data(1);
  const raw = d.x.values() as Float32Array;
  const plain = await trainNetwork(
    d,
    mlp([4, 6, 3], { normalization: 'zerocenter', generator: new Random(2) }),
    options(),
  );
  let calls = 0;
  const hooked = await trainNetwork(
    d,
    mlp([4, 6, 3], { normalization: 'zerocenter', generator: new Random(2) }),
    options(),
    {
      augment: (batch, rows) => {
        calls++;
        for (const [i, r] of rows.entries())
          assert.deepEqual(batch.subarray(i * 4, i * 4 + 4), raw.subarray(r * 4, r * 4 + 4));
      },
    },
  );
  assert.equal(calls, 6); // 3 batches × 2 epochs
  assert.deepEqual(weights(hooked.net), weights(plain.net));
  // A hook that changes the data changes the training.
  const noisy = await trainNetwork(
    d,
    mlp([4, 6, 3], { normalization: 'zerocenter', generator: new Random(2) }),
    options(),
    {
      augment: (batch) => batch.fill(1),
    },
  );
  assert.notDeepEqual(weights(noisy.net), weights(plain.net));
});

test('finetune with an identity augment hook keeps the pretrained mean and trains as without it', async () => {
  const d = data(3);
  const make = async () => {
    const net = mlp([4, 5, 3], { normalization: 'zerocenter', generator: new Random(4) });
    net.fitNormalization(data(9).x);
    return net;
  };
  const a = await finetune(await make(), d, options());
  let calls = 0;
  const b = await finetune(await make(), d, options(), { augment: () => void calls++ });
  assert.ok(calls > 0);
  assert.deepEqual(weights(b.net), weights(a.net));
});
