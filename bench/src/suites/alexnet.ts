import os from 'node:os';
import type * as Autograd from '@nabla/autograd';
import { fromTypedArray, getBackend } from '@nabla/tensor';
import { randomFloats } from '../data.js';
import { machineInfo } from '../machine.js';
import { tfAlexnet } from '../models/tfjs-alexnet.js';
import type { BenchOptions } from '../options.js';
import { importNabla, nablaSettings, requireExport } from '../peers/nabla.js';
import { type TfBackend, tf, tfInfo, useTf } from '../peers/tfjs.js';
import type { SuiteResult } from '../results.js';
import { type CaseSpec, type Contender, runCase, selected } from '../runner.js';

/** Multiply-adds × 2 of AlexNet's forward pass on one 227×227 image (convolutions and fully connected layers). */
const ALEXNET_GFLOP =
  (2 *
    (55 * 55 * 96 * 3 * 11 * 11 +
      27 * 27 * 256 * 48 * 5 * 5 +
      13 * 13 * 384 * 256 * 3 * 3 +
      13 * 13 * 384 * 192 * 3 * 3 +
      13 * 13 * 256 * 192 * 3 * 3 +
      9216 * 4096 +
      4096 * 4096 +
      4096 * 1000)) /
  1e9;

/** What the suite needs from @nabla/models (not a dependency of the bench until it lands). */
interface NablaModels {
  alexnet(): { body: { eval(): unknown; forward(x: Autograd.Tensor): Autograd.Tensor } };
}

function tfContender(backend: TfBackend, image: Float32Array): Contender {
  return {
    lib: backend === 'cpu' ? 'tfjs-cpu' : 'tfjs-wasm',
    setup: async () => {
      await useTf(backend);
      const net = tfAlexnet();
      const x = tf.tensor4d(image, [1, 227, 227, 3]); // the same numbers; layout does not change the work
      return {
        run: () => tf.tidy(() => void net.forward(x)),
        dispose: () => {
          x.dispose();
          net.dispose();
        },
      };
    },
  };
}

const nabla = (image: Float32Array): Contender => ({
  lib: 'nabla',
  setup: async () => {
    const models = await importNabla<NablaModels>('models');
    const autograd = await importNabla<typeof Autograd>('autograd');
    const alexnet = requireExport<NablaModels['alexnet']>(models, 'models', 'alexnet');
    const net = alexnet();
    net.body.eval();
    const x = new autograd.Tensor(fromTypedArray(image, [1, 3, 227, 227]));
    return { run: () => void autograd.noGrad(() => net.body.forward(x)) };
  },
});

export async function alexnetSuite(options: BenchOptions): Promise<SuiteResult> {
  const machine = machineInfo();
  const peers = await tfInfo();
  const image = randomFloats(3 * 227 * 227, 5);
  const spec: CaseSpec = {
    name: 'AlexNet forward, 1 image 227×227',
    unit: 'img/s',
    work: `${ALEXNET_GFLOP.toFixed(2)} GFLOP`,
    amount: 1,
    contenders: [nabla(image), tfContender('cpu', image), tfContender('wasm', image)],
  };
  console.log(`\nalexnet: budget ${options.budget}s a row`);
  const cases = selected(spec.name, options) ? [await runCase(spec, options)] : [];
  return {
    suite: 'alexnet',
    title: 'AlexNet forward on one 227×227 image (img/s)',
    quick: options.quick,
    machine,
    peers,
    nabla: nablaSettings(getBackend().name),
    cases,
    notes: [
      `Inference (eval mode, no graph): ${ALEXNET_GFLOP.toFixed(2)} GFLOP per image; multiply img/s by it for GFLOP/s.`,
      "Nabla: alexnet() from @nabla/models, its body's forward without the input normalization.",
      'TF.js: the same network in tfjs-core ops, NHWC; grouped convolutions (conv2, conv4, conv5) as split → two convs → concat.',
    ],
    loadAverageAfter: Math.round(os.loadavg()[0]! * 100) / 100,
  };
}
