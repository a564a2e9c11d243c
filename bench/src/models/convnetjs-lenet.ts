import convnetjs from 'convnetjs';
import { nchwToNhwc } from '../data.js';

/**
 * The course's LeNet as close as ConvNetJS can build it: it has no batch normalization, so the
 * three BN layers are left out (the row does less work than the others). One image at a time in
 * Float64Array volumes; the trainer accumulates gradients and updates once per 128 images.
 */
export function convnetjsLenetTrainer(x: Float32Array, labels: Int32Array): { step(): void } {
  const batch = labels.length;
  const net = new convnetjs.Net();
  net.makeLayers([
    { type: 'input', out_sx: 28, out_sy: 28, out_depth: 1 },
    { type: 'conv', sx: 3, filters: 16, stride: 1, pad: 1, activation: 'relu' },
    { type: 'pool', sx: 2, stride: 2 },
    { type: 'conv', sx: 3, filters: 32, stride: 1, pad: 1, activation: 'relu' },
    { type: 'pool', sx: 2, stride: 2 },
    { type: 'conv', sx: 3, filters: 64, stride: 1, pad: 1, activation: 'relu' },
    { type: 'fc', num_neurons: 50, activation: 'relu' },
    { type: 'softmax', num_classes: 10 },
  ]);
  const trainer = new convnetjs.Trainer(net, {
    method: 'sgd',
    learning_rate: 0.01,
    momentum: 0.9,
    batch_size: batch,
    l2_decay: 0,
  });
  const images = Array.from({ length: batch }, (_, b) => {
    const v = new convnetjs.Vol(28, 28, 1, 0);
    v.w.set(nchwToNhwc(x.subarray(b * 784, (b + 1) * 784), 1, 1, 28, 28));
    return v;
  });
  return {
    step() {
      for (let i = 0; i < batch; i++) trainer.train(images[i]!, labels[i]!);
    },
  };
}
