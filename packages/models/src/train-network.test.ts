import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Tensor } from '@nabla/autograd';
import * as nd from '@nabla/tensor';
import { Random } from '@nabla/tensor';
import { mlp, mlpLayers } from './mlp.js';
import { trainingOptions } from './training-options.js';
import { trainNetwork } from './train-network.js';
import { classify } from './classify.js';
import { accuracy } from './metrics.js';

/** Two Gaussian blobs per class in 2-D: three classes a small MLP separates easily. */
function blobs(n: number, seed: number) {
  const g = new Random(seed);
  const centres = [
    [2, 0],
    [-2, 1],
    [0, -2.5],
  ];
  const x = nd.zeros([n, 2]);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    y[i] = c;
    x.data[2 * i] = centres[c]![0]! + 0.5 * g.normal();
    x.data[2 * i + 1] = centres[c]![1]! + 0.5 * g.normal();
  }
  return { x, y };
}

test('trainNetwork learns separable classes and records Matlab-style history', async () => {
  const train = blobs(300, 1);
  const val = blobs(90, 2);
  const lines: string[] = [];
  const { net, info } = await trainNetwork(
    train,
    mlpLayers([2, 16, 3]),
    trainingOptions('sgdm', {
      maxEpochs: 8,
      miniBatchSize: 32,
      initialLearnRate: 0.05,
      validationData: val,
      validationFrequency: 10,
      log: (l) => lines.push(l),
      seed: 5,
    }),
  );
  const { labels } = classify(net, val.x);
  assert.ok(accuracy(labels, val.y) > 0.95, `validation accuracy ${accuracy(labels, val.y)}`);
  assert.equal(info.iterations, 8 * Math.floor(300 / 32));
  assert.ok(info.history[0]!.miniBatchLoss > info.history.at(-1)!.miniBatchLoss);
  assert.ok(info.history.filter((r) => r.validationAccuracy !== undefined).length >= 7);
  assert.match(lines[1]!, /Epoch.*Iteration.*Time Elapsed.*Mini-batch.*Validation/);
  assert.ok(
    lines.some((l) => /^\|\s+8 \|\s+72 \|/.test(l)),
    'the last iteration is printed',
  );
});

test('the same seed reproduces a run bit for bit', async () => {
  const data = blobs(120, 3);
  const run = async () =>
    (
      await trainNetwork(
        data,
        mlpLayers([2, 8, 3]),
        trainingOptions('sgdm', { maxEpochs: 2, miniBatchSize: 16, verbose: false, seed: 11 }),
      )
    ).net.stateDict();
  const a = await run();
  const b = await run();
  for (const [k, v] of a) assert.deepEqual([...v.data], [...b.get(k)!.data], k);
});

test('resuming from an epoch snapshot ends bit-identical to an uninterrupted run', async () => {
  const data = blobs(96, 4);
  const options = trainingOptions('sgdm', { maxEpochs: 3, miniBatchSize: 16, verbose: false, seed: 2 });
  const full = await trainNetwork(data, mlpLayers([2, 8, 3]), options);
  let saved:
    | { snapshot: import('./train-network.js').TrainingSnapshot; weights: Map<string, nd.NDArray> }
    | undefined;
  await trainNetwork(
    data,
    mlpLayers([2, 8, 3]),
    { ...options, maxEpochs: 3 },
    {
      onEpochEnd: (snapshot, net) => {
        if (snapshot.epoch === 1)
          saved = { snapshot, weights: new Map([...net.stateDict()].map(([k, v]) => [k, v.copy()])) };
      },
    },
  );
  assert.ok(saved);
  const resumedNet = mlp([2, 8, 3]);
  resumedNet.loadStateDict(saved.weights);
  const resumed = await trainNetwork(data, resumedNet, options, { resume: saved.snapshot });
  assert.equal(resumed.info.iterations, full.info.iterations);
  for (const [k, v] of full.net.stateDict())
    assert.deepEqual([...v.data], [...resumed.net.stateDict().get(k)!.data], k);
});

test('a run stopped by onIteration mid-epoch (or at an epoch end) resumes from onStop bit-identical', async () => {
  const data = blobs(96, 4);
  const options = trainingOptions('sgdm', { maxEpochs: 3, miniBatchSize: 16, verbose: false, seed: 5 });
  const full = await trainNetwork(data, mlpLayers([2, 8, 3]), options);
  // 6 mini-batches an epoch: stop inside the first epoch, exactly at its end, and inside the second.
  for (const stopAt of [3, 6, 10]) {
    let saved:
      | { snapshot: import('./train-network.js').TrainingSnapshot; weights: Map<string, nd.NDArray> }
      | undefined;
    const stopped = await trainNetwork(
      data,
      mlpLayers([2, 8, 3]),
      { ...options, onIteration: (r) => (r.iteration === stopAt ? 'stop' : undefined) },
      {
        onStop: (snapshot, net) => {
          saved = { snapshot, weights: new Map([...net.stateDict()].map(([k, v]) => [k, v.copy()])) };
        },
      },
    );
    assert.equal(stopped.info.stopReason, 'callback');
    assert.ok(saved, `onStop called at ${stopAt}`);
    assert.equal(saved.snapshot.iteration, stopAt);
    assert.equal(saved.snapshot.epoch, Math.floor(stopAt / 6));
    assert.equal(saved.snapshot.epochOrder === undefined, stopAt % 6 === 0, `epochOrder at ${stopAt}`);
    const resumedNet = mlp([2, 8, 3]);
    resumedNet.loadStateDict(saved.weights);
    const resumed = await trainNetwork(data, resumedNet, options, { resume: saved.snapshot });
    assert.equal(resumed.info.iterations, full.info.iterations);
    assert.equal(resumed.info.history.length, full.info.history.length);
    for (const [k, v] of full.net.stateDict())
      assert.deepEqual(
        [...v.data],
        [...resumed.net.stateDict().get(k)!.data],
        `${k} after a stop at ${stopAt}`,
      );
  }
  // A mid-epoch snapshot that does not fit the data is refused, not half-applied.
  const bad = await (async () => {
    let s: import('./train-network.js').TrainingSnapshot | undefined;
    await trainNetwork(
      data,
      mlpLayers([2, 8, 3]),
      { ...options, onIteration: (r) => (r.iteration === 2 ? 'stop' : undefined) },
      { onStop: (snapshot) => void (s = snapshot) },
    );
    return s!;
  })();
  await assert.rejects(
    trainNetwork(data, mlpLayers([2, 8, 3]), options, {
      resume: { ...bad, epochOrder: bad.epochOrder!.slice(1) },
    }),
    /trainNetwork: the snapshot stopped mid-epoch at iteration 2/,
  );
});

test('bad data is refused naming the problem; a NaN loss stops training with a message', async () => {
  const data = blobs(60, 5);
  const opts = trainingOptions('sgdm', { maxEpochs: 1, miniBatchSize: 16, verbose: false });
  await assert.rejects(
    trainNetwork({ x: data.x, y: data.y.map((v) => (v === 2 ? 7 : v)) }, mlpLayers([2, 4, 3]), opts),
    /label 7 of example 2 is outside the network's 3 classes/,
  );
  await assert.rejects(
    trainNetwork({ x: data.x, y: data.y.subarray(0, 10) }, mlpLayers([2, 4, 3]), opts),
    /60 examples but 10 labels/,
  );
  await assert.rejects(
    trainNetwork({ x: nd.zeros([0, 2]), y: new Int32Array(0) }, mlpLayers([2, 4, 3]), opts),
    /empty/,
  );
  const withNaN = data.x.copy();
  withNaN.data[3] = Number.NaN;
  await assert.rejects(
    trainNetwork({ x: withNaN, y: data.y }, mlpLayers([2, 4, 3]), opts),
    /NaN or Infinity/,
  );
  const huge = nd.mul(data.x, 1e30);
  await assert.rejects(
    trainNetwork(
      { x: huge, y: data.y },
      mlpLayers([2, 4, 3]),
      trainingOptions('sgdm', { maxEpochs: 5, miniBatchSize: 16, initialLearnRate: 1e6, verbose: false }),
    ),
    /training stopped: the loss became (NaN|Infinity)/,
  );
});

test("executionEnvironment 'gpu' without the gpu backend registered is refused with what to do; 'cpu' trains", async () => {
  const data = blobs(48, 6);
  await assert.rejects(
    trainNetwork(
      data,
      mlpLayers([2, 4, 3]),
      trainingOptions('sgdm', {
        maxEpochs: 1,
        miniBatchSize: 16,
        verbose: false,
        executionEnvironment: 'gpu',
      }),
    ),
    /executionEnvironment 'gpu' needs the gpu backend: call registerGpuBackend\(\) from @nabla\/gpu/,
  );
  const { info } = await trainNetwork(
    data,
    mlpLayers([2, 4, 3]),
    trainingOptions('sgdm', { maxEpochs: 1, miniBatchSize: 16, verbose: false, executionEnvironment: 'cpu' }),
  );
  assert.equal(info.iterations, 3);
});

test('validation loss is the log-softmax cross-entropy: an example scored 200 below the winner costs 200, not a capped 103.6', async () => {
  const { assembleNetwork } = await import('./network.js');
  const { classificationLayer, featureInputLayer, fullyConnectedLayer, softmaxLayer } = await import(
    './layer-specs.js'
  );
  const { evaluateLoss } = await import('./train-network.js');
  const net = assembleNetwork([
    featureInputLayer(1),
    fullyConnectedLayer(2),
    softmaxLayer(),
    classificationLayer(),
  ]);
  const linear = net.body.getSubmodule('0');
  linear.param('weight').assign(nd.tensor([[0], [200]]));
  linear.param('bias').assign(nd.tensor([0, 0]));
  const { loss, accuracy: acc } = evaluateLoss(net, { x: nd.tensor([[1], [1]]), y: Int32Array.from([0, 1]) });
  // Example 1: −log softmax = log(1 + e^200) ≈ 200; example 2: log(1 + e^−200) ≈ 0. Mean 100.
  assert.ok(Math.abs(loss - 100) < 1e-3, `validation loss ${loss}`);
  assert.equal(acc, 50);
});

/** A small classifier with one batch-normalization layer after its first fully connected layer. */
async function bnLayers() {
  const {
    batchNormalizationLayer,
    classificationLayer,
    featureInputLayer,
    fullyConnectedLayer,
    reluLayer,
    softmaxLayer,
  } = await import('./layer-specs.js');
  return [
    featureInputLayer(2),
    fullyConnectedLayer(6),
    batchNormalizationLayer(),
    reluLayer(),
    fullyConnectedLayer(3),
    softmaxLayer(),
    classificationLayer(),
  ];
}

/** The exact per-feature mean and (biased) variance of the first layer's outputs over a data set, in float64. */
function firstLayerStatistics(net: import('./network.js').Network, x: nd.NDArray) {
  const z = net.body.getSubmodule('0').forward(new Tensor(x.astype('float64'))).data;
  const [n, f] = z.shape as [number, number];
  const mean = new Float64Array(f);
  const variance = new Float64Array(f);
  const v = z.values();
  for (let i = 0; i < n; i++) for (let j = 0; j < f; j++) mean[j]! += v[i * f + j]! / n;
  for (let i = 0; i < n; i++) for (let j = 0; j < f; j++) variance[j]! += (v[i * f + j]! - mean[j]!) ** 2 / n;
  return { mean, variance };
}

test("'population' batch-norm statistics (Matlab's default) are the mean and variance over the whole training set", async () => {
  // 97 examples in batches of 16: the final pass sees all of them, the lone 97th one too.
  const train = blobs(97, 7);
  const val = blobs(30, 8);
  const { net, info } = await trainNetwork(
    train,
    await bnLayers(),
    trainingOptions('sgdm', {
      maxEpochs: 3,
      miniBatchSize: 16,
      verbose: false,
      seed: 3,
      validationData: val,
    }),
  );
  const bn = net.body.getSubmodule('1');
  const { mean, variance } = firstLayerStatistics(net, train.x);
  const runningMean = [...bn.buffer('running_mean').values()];
  const runningVar = [...bn.buffer('running_var').values()];
  for (let j = 0; j < 6; j++) {
    assert.ok(
      Math.abs(runningMean[j]! - mean[j]!) < 1e-5 * (1 + Math.abs(mean[j]!)),
      `mean ${j}: ${runningMean[j]} vs ${mean[j]}`,
    );
    assert.ok(
      Math.abs(runningVar[j]! - variance[j]!) < 1e-5 * (1 + variance[j]!),
      `variance ${j}: ${runningVar[j]} vs ${variance[j]}`,
    );
  }
  // The final validation figures are those of the finished network (after the statistics pass).
  const { evaluateLoss } = await import('./train-network.js');
  const after = evaluateLoss(net, val);
  assert.equal(info.finalValidationAccuracy, after.accuracy);
  assert.equal(info.finalValidationLoss, after.loss);
});

test("'moving' batch-norm statistics keep PyTorch's running averages (which differ from the population ones)", async () => {
  const train = blobs(100, 7);
  const { net } = await trainNetwork(
    train,
    await bnLayers(),
    trainingOptions('sgdm', {
      maxEpochs: 3,
      miniBatchSize: 16,
      verbose: false,
      seed: 3,
      batchNormalizationStatistics: 'moving',
    }),
  );
  const bn = net.body.getSubmodule('1');
  const { mean } = firstLayerStatistics(net, train.x);
  const runningMean = [...bn.buffer('running_mean').values()];
  const gap = Math.max(...runningMean.map((m, j) => Math.abs(m - mean[j]!)));
  assert.ok(gap > 1e-3, `moving averages lag the final weights (gap ${gap})`);
  assert.equal(bn.buffer('num_batches_tracked').item(), 3 * Math.floor(100 / 16));
});
