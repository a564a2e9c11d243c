import type * as Autograd from '@nabla/autograd';
import type * as Layers from '@nabla/layers';
import type * as Optim from '@nabla/optim';
import { fromTypedArray } from '@nabla/tensor';
import { importNabla, requireExport } from '../peers/nabla.js';

/** One training step of a Nabla network: forward, softmax cross-entropy, backward, SGD update. */
export interface NablaTrainer {
  step(): void;
}

interface Api {
  layers: typeof Layers;
  optim: typeof Optim;
  autograd: typeof Autograd;
}

async function api(): Promise<Api> {
  const [layers, optim, autograd] = await Promise.all([
    importNabla<typeof Layers>('layers'),
    importNabla<typeof Optim>('optim'),
    importNabla<typeof Autograd>('autograd'),
  ]);
  for (const name of ['Sequential', 'Conv2d', 'BatchNorm2d', 'ReLU', 'MaxPool2d', 'Flatten', 'Linear']) {
    requireExport(layers, 'layers', name);
  }
  requireExport(optim, 'optim', 'SGD');
  requireExport(autograd, 'autograd', 'crossEntropy');
  return { layers, optim, autograd };
}

function trainer(
  { optim, autograd }: Api,
  model: Layers.Module,
  x: Float32Array,
  shape: number[],
  labels: Int32Array,
): NablaTrainer {
  model.train();
  const input = new autograd.Tensor(fromTypedArray(x, shape));
  const optimizer = new optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
  return {
    step() {
      const loss = autograd.crossEntropy(model.forward(input), labels);
      optimizer.zeroGrad();
      loss.backward();
      optimizer.step();
    },
  };
}

/**
 * The course's LeNet (shared/reference/lenet_pytorch.py) built from @nabla/layers: conv 3×3×16 pad 1,
 * BN, ReLU, max pool 2/2, conv 32, BN, ReLU, max pool, conv 64, BN, ReLU, FC 50, ReLU, FC 10.
 */
export async function nablaLenetTrainer(x: Float32Array, labels: Int32Array): Promise<NablaTrainer> {
  const a = await api();
  const { Sequential, Conv2d, BatchNorm2d, ReLU, MaxPool2d, Flatten, Linear } = a.layers;
  const model = new Sequential(
    new Conv2d(1, 16, 3, { padding: 1 }),
    new BatchNorm2d(16),
    new ReLU(),
    new MaxPool2d(2, { stride: 2 }),
    new Conv2d(16, 32, 3, { padding: 1 }),
    new BatchNorm2d(32),
    new ReLU(),
    new MaxPool2d(2, { stride: 2 }),
    new Conv2d(32, 64, 3, { padding: 1 }),
    new BatchNorm2d(64),
    new ReLU(),
    new Flatten(),
    new Linear(64 * 7 * 7, 50),
    new ReLU(),
    new Linear(50, 10),
  );
  return trainer(a, model, x, [labels.length, 1, 28, 28], labels);
}

/** MLP 784-128-64-10 with ReLU, from @nabla/layers. */
export async function nablaMlpTrainer(x: Float32Array, labels: Int32Array): Promise<NablaTrainer> {
  const a = await api();
  const { Sequential, ReLU, Linear } = a.layers;
  const model = new Sequential(
    new Linear(784, 128),
    new ReLU(),
    new Linear(128, 64),
    new ReLU(),
    new Linear(64, 10),
  );
  return trainer(a, model, x, [labels.length, 784], labels);
}
