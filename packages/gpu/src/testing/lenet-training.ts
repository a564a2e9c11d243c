/**
 * Test support: a few SGD steps of the course's LeNet (conv 5×5 → ReLU → max-pool, twice, then
 * 400 → 120 → 84 → 10) on a seeded synthetic digit-like set, under whichever backend is set.
 * Run once on the cpu backend and once on the gpu backend from the same seed, the two loss
 * curves must agree to float32 rounding: every matmul and convolution of the forward and backward
 * passes went through the backend under test.
 */
import { variable } from '@nabla/autograd';
import { Conv2d, CrossEntropyLoss, Flatten, Linear, MaxPool2d, ReLU, Sequential } from '@nabla/layers';
import { SGD } from '@nabla/optim';
import { getBackend, NDArray, Random, setBackend } from '@nabla/tensor';

export interface TrainingRun {
  backend: string;
  kernel: string;
  losses: number[];
}

export function lenet(generator: Random): Sequential {
  return new Sequential(
    new Conv2d(1, 6, 5, { padding: 2, generator }),
    new ReLU(),
    new MaxPool2d(2, { stride: 2 }),
    new Conv2d(6, 16, 5, { generator }),
    new ReLU(),
    new MaxPool2d(2, { stride: 2 }),
    new Flatten(),
    new Linear(400, 120, { generator }),
    new ReLU(),
    new Linear(120, 84, { generator }),
    new ReLU(),
    new Linear(84, 10, { generator }),
  );
}

/** A batch of 28×28 images whose class c is a bright 6×6 square at a place set by c, plus noise. */
function batchOf(rng: Random, size: number): { images: NDArray; labels: Int32Array } {
  const images = new Float32Array(size * 28 * 28);
  const labels = new Int32Array(size);
  for (let b = 0; b < size; b++) {
    const c = rng.int(10);
    labels[b] = c;
    const top = 3 + 4 * Math.floor(c / 5) * 2;
    const left = 2 + 5 * (c % 5);
    for (let p = 0; p < 28 * 28; p++) images[b * 784 + p] = 0.2 * rng.uniform();
    for (let y = top; y < top + 6; y++)
      for (let x = left; x < left + 6; x++) images[b * 784 + y * 28 + x] += 0.8;
  }
  return { images: new NDArray(images, [size, 1, 28, 28]), labels };
}

/** Trains from `seed` for `steps` steps of `batch` images on the named backend; returns the loss per step. */
export function trainLenet(backend: string, steps: number, batch: number, seed: number): TrainingRun {
  const previous = getBackend();
  setBackend(backend);
  try {
    const net = lenet(new Random(seed));
    const data = new Random(seed + 1);
    const lossFn = new CrossEntropyLoss();
    const optimizer = new SGD(net.parameters(), { lr: 0.01, momentum: 0.9 });
    const losses: number[] = [];
    for (let s = 0; s < steps; s++) {
      const { images, labels } = batchOf(data, batch);
      optimizer.zeroGrad();
      const loss = lossFn.forward(net.forward(variable(images)), labels);
      loss.backward();
      optimizer.step();
      losses.push(loss.item());
    }
    return { backend, kernel: getBackend().kernel, losses };
  } finally {
    setBackend(previous.name);
  }
}

/** The largest |loss_a − loss_b| / |loss_b| over the steps. */
export function lossDisagreement(a: readonly number[], b: readonly number[]): number {
  let worst = 0;
  for (let i = 0; i < b.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / Math.abs(b[i]!));
  return worst;
}
