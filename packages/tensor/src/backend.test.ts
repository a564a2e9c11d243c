import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Backend, kernelOf, optionalKernels, referenceBackend } from './backend.js';
import { createCpuBackend } from './cpu/index.js';
import { createReferenceBackend } from './reference/index.js';

/** A backend with only the required kernels (the reference's), as a new backend starts out. */
function plainBackend(log: string[]): Backend {
  const r = createReferenceBackend();
  return {
    name: 'plain',
    kernel: 'test',
    supportsFloat64: true,
    matmul: r.matmul,
    conv2d: (x, w, out, g) => {
      log.push('conv2d');
      r.conv2d(x, w, out, g);
    },
    conv2dBackwardInput: r.conv2dBackwardInput,
    conv2dBackwardFilter: r.conv2dBackwardFilter,
    maxPool2d: r.maxPool2d,
    maxPool2dBackward: r.maxPool2dBackward,
    avgPool2d: r.avgPool2d,
    avgPool2dBackward: r.avgPool2dBackward,
  };
}

test('kernelOf gives a backend its own optional kernel, else the reference definition', () => {
  const cpu = createCpuBackend();
  const x = Float32Array.of(-1, -0, 2, Number.NaN);
  const out = new Float32Array(4);
  kernelOf(cpu, 'relu')(x, out);
  assert.deepEqual([...out], [0, 0, 2, Number.NaN]);
  assert.ok(Object.is(out[1], 0));
  const log: string[] = [];
  const plain = plainBackend(log);
  assert.equal(kernelOf(plain, 'relu'), referenceBackend().relu);
  assert.deepEqual(optionalKernels(plain).own, []);
  assert.deepEqual(optionalKernels(cpu).reference, []);
  assert.ok(optionalKernels(plain).reference.includes('batchNormForward'));
});

test('a backend without fusedConv2d runs it as its own conv2d, then the channel map, then ReLU', () => {
  const log: string[] = [];
  const plain = plainBackend(log);
  // 1 image, 1 → 2 channels, 1×2 pixels, a 1×1 kernel: y[o] = w[o]·x, then scale·y + shift, then ReLU.
  const g = {
    batch: 1,
    inChannels: 1,
    inHeight: 1,
    inWidth: 2,
    outChannels: 2,
    kernelHeight: 1,
    kernelWidth: 1,
    strideHeight: 1,
    strideWidth: 1,
    padHeight: 0,
    padWidth: 0,
    dilationHeight: 1,
    dilationWidth: 1,
    groups: 1,
    outHeight: 1,
    outWidth: 2,
  };
  const out = new Float64Array(4);
  kernelOf(plain, 'fusedConv2d')(Float64Array.of(1, -2), Float64Array.of(3, -1), out, g, {
    scale: Float64Array.of(2, 1),
    shift: Float64Array.of(1, -5),
    relu: true,
  });
  assert.deepEqual(log, ['conv2d'], "the backend's own conv2d ran");
  // channel 0: 3·[1, −2] = [3, −6] → 2·y + 1 = [7, −11] → [7, 0]; channel 1: [−1, 2] → y − 5 = [−6, −3] → [0, 0].
  assert.deepEqual([...out], [7, 0, 0, 0]);
});
