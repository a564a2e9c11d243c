import os from 'node:os';
import { getBackend } from '@nabla/tensor';
import { disableThreads, enableThreads, threadCount } from '@nabla/tensor/node';
import { randomFloats, randomLabels } from '../data.js';
import { machineInfo } from '../machine.js';
import { brainMlpTrainer } from '../models/brain-mlp.js';
import { convnetjsLenetTrainer } from '../models/convnetjs-lenet.js';
import { nablaLenetTrainer, nablaMlpTrainer } from '../models/nabla-nets.js';
import { type TfTrainer, tfLenetTrainer, tfMlpTrainer } from '../models/tfjs-nets.js';
import type { BenchOptions } from '../options.js';
import { nablaSettings } from '../peers/nabla.js';
import { type TfBackend, tfInfo, useTf } from '../peers/tfjs.js';
import type { CaseResult, SuiteResult } from '../results.js';
import { type CaseSpec, type Contender, runCase, selected, Unavailable } from '../runner.js';

function tfContender(backend: TfBackend, make: () => TfTrainer, slow?: string): Contender {
  return {
    lib: backend === 'cpu' ? 'tfjs-cpu' : 'tfjs-wasm',
    ...(slow ? { slow } : {}),
    setup: async () => {
      await useTf(backend);
      const t = make();
      return { run: () => t.step(), dispose: () => t.dispose() };
    },
  };
}

/** Inputs in [-1, 1) and labels 0..9: speed does not depend on the digits, so no data set is read. */
function batchOf(batch: number, features: number) {
  return { x: randomFloats(batch * features, 11), labels: randomLabels(batch, 10, 12) };
}

function lenetCase(): CaseSpec {
  const batch = 128;
  const { x, labels } = batchOf(batch, 784);
  return {
    name: 'LeNet (course) training step, batch 128',
    unit: 'img/s',
    work: `${batch} images: forward, loss, backward, SGD momentum update`,
    amount: batch,
    contenders: [
      {
        lib: 'nabla',
        setup: async () => {
          const t = await nablaLenetTrainer(x, labels);
          return { run: () => t.step() };
        },
      },
      tfContender('cpu', () => tfLenetTrainer(x, labels), 'TF.js cpu takes 30 s to minutes a LeNet step'),
      tfContender('wasm', () => tfLenetTrainer(x, labels)),
      {
        lib: 'convnetjs',
        setup: () => {
          const t = convnetjsLenetTrainer(x, labels);
          return { run: () => t.step() };
        },
      },
    ],
  };
}

/**
 * Nabla's LeNet step with its kernels split over two threads (the machine's both cores; issue 12's
 * "both cores" row compares it with TF.js wasm's one thread from the case above, which has no
 * threads in Node). Skipped when the whole run already has NABLA_THREADS set.
 */
function lenetThreadsCase(): CaseSpec {
  const batch = 128;
  const { x, labels } = batchOf(batch, 784);
  return {
    name: 'LeNet (course) training step on 2 threads, batch 128',
    unit: 'img/s',
    work: `${batch} images, Nabla's kernels on 2 threads (enableThreads)`,
    amount: batch,
    contenders: [
      {
        lib: 'nabla',
        setup: async () => {
          if (threadCount() > 1) throw new Unavailable('NABLA_THREADS already runs every row on threads');
          await enableThreads({ threads: 2 });
          const t = await nablaLenetTrainer(x, labels);
          return { run: () => t.step(), dispose: () => void disableThreads() };
        },
      },
    ],
  };
}

function mlpCase(): CaseSpec {
  const batch = 64;
  const { x, labels } = batchOf(batch, 784);
  return {
    name: 'MLP 784-128-64-10 training step, batch 64',
    unit: 'img/s',
    work: `${batch} images: forward, loss, backward, SGD momentum update`,
    amount: batch,
    contenders: [
      {
        lib: 'nabla',
        setup: async () => {
          const t = await nablaMlpTrainer(x, labels);
          return { run: () => t.step() };
        },
      },
      tfContender('cpu', () => tfMlpTrainer(x, labels)),
      tfContender('wasm', () => tfMlpTrainer(x, labels)),
      {
        lib: 'brain.js',
        setup: () => {
          const t = brainMlpTrainer(x, labels);
          return { run: () => t.step() };
        },
      },
    ],
  };
}

export async function trainSuite(options: BenchOptions): Promise<SuiteResult> {
  const machine = machineInfo();
  const peers = await tfInfo();
  const cases: CaseResult[] = [];
  console.log(`\ntrain: budget ${options.budget}s a row`);
  for (const make of [lenetCase, lenetThreadsCase, mlpCase]) {
    const spec = make();
    if (selected(spec.name, options)) cases.push(await runCase(spec, options));
  }
  return {
    suite: 'train',
    title: 'Training steps: the course LeNet at batch 128, an MLP at batch 64 (img/s)',
    quick: options.quick,
    machine,
    peers,
    nabla: nablaSettings(getBackend().name),
    cases,
    notes: [
      'One step = forward, softmax cross-entropy, backward, SGD momentum 0.9 update (lr 0.01, no weight decay), on a fixed random batch.',
      'Nabla: Sequential of @nabla/layers modules, SGD from @nabla/optim, crossEntropy from @nabla/autograd.',
      "TF.js: the same networks in tfjs-core ops (NHWC) with tf.train.momentum and optimizer.minimize; batch-norm from the batch's moments without running averages; the wasm backend uses the bench's Conv2DBackpropFilter (see the kernels suite).",
      'ConvNetJS: no batch normalization, so its LeNet lacks the three BN layers; float64, one image at a time, one update per 128 images.',
      'brain.js 1.6.1 NeuralNetwork: ReLU on every layer including the output, mean-squared error, an update after every example (no mini-batches).',
    ],
    loadAverageAfter: Math.round(os.loadavg()[0]! * 100) / 100,
  };
}
