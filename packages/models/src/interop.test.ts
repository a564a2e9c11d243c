import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { noGrad, Tensor } from '@nabla/autograd';
import { INTEROP_DIR, loadSafetensors, runPython, saveSafetensors } from '@nabla/io/node';
import * as nd from '@nabla/tensor';
import { type NDArray, Random } from '@nabla/tensor';
import { alexnet } from './alexnet.js';
import { lenet } from './lenet.js';
import type { Network } from './network.js';

/**
 * The PyTorch round trip of whole networks (Debian's python3-torch, run as /usr/bin/python3 by
 * runPython; the io package checks the format itself). Both ways, in eval mode:
 *  - Nabla's weights (the body's state dict: PyTorch's names and layouts) load STRICTLY into the
 *    PyTorch module of interop/lenet.py or interop/alexnet.py and give Nabla's outputs;
 *  - weights and inputs made in PyTorch load strictly into Nabla and give PyTorch's outputs.
 * The input normalization (`input.mean`) is Nabla's input layer, not part of the PyTorch module:
 * the PyTorch side is fed x − mean.
 */

const dir = mkdtempSync(join(tmpdir(), 'nabla-models-interop-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const roundtrip = join(INTEROP_DIR, 'roundtrip.py');

async function python(args: string[]): Promise<string> {
  const r = await runPython([roundtrip, ...args], { env: { NABLA_TORCH_THREADS: '2' } });
  assert.equal(r.code, 0, `roundtrip.py ${args[0]} exited ${r.code}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** Nabla → PyTorch: writes the body's weights, x − mean and Nabla's scores; PyTorch must agree. */
async function nablaToTorch(name: 'lenet' | 'alexnet', net: Network, x: NDArray): Promise<number> {
  net.eval();
  const scores = noGrad(() => net.forward(x).data);
  const w = join(dir, `${name}-nabla.safetensors`);
  const xi = join(dir, `${name}-nabla-x.safetensors`);
  const y = join(dir, `${name}-nabla-y.safetensors`);
  await saveSafetensors(w, net.body.stateDict({ copy: false }), { format: 'pt' });
  await saveSafetensors(xi, { input: net.normalizeInput(x).contiguous() });
  await saveSafetensors(y, { output: scores });
  const report = JSON.parse(
    await python(['check', '--model', name, '--weights', w, '--input', xi, '--expected', y]),
  ) as { pass: boolean; maxAbsError: number };
  assert.equal(report.pass, true, `PyTorch's ${name} differs from Nabla's by ${report.maxAbsError}`);
  rmSync(w);
  return report.maxAbsError;
}

/** PyTorch → Nabla: random weights and input from PyTorch, loaded strictly; the scores must agree. */
async function torchToNabla(name: 'lenet' | 'alexnet', net: Network, batch: number): Promise<number> {
  const w = join(dir, `${name}-torch.safetensors`);
  const xi = join(dir, `${name}-torch-x.safetensors`);
  const y = join(dir, `${name}-torch-y.safetensors`);
  await python([
    'export',
    '--model',
    name,
    '--weights',
    w,
    '--input',
    xi,
    '--output',
    y,
    '--seed',
    '5',
    '--batch',
    String(batch),
  ]);
  const weights = (await loadSafetensors(w)).tensors;
  rmSync(w);
  net.body.loadStateDict(weights, { strict: true });
  weights.clear();
  net.eval();
  const x = (await loadSafetensors(xi)).tensors.get('input')!;
  const expected = (await loadSafetensors(y)).tensors.get('output')!;
  // PyTorch's module has no input layer: run Nabla's body on the same (already centred) input.
  const scores = noGrad(() => net.body.forward(new Tensor(x)).data);
  assert.deepEqual(scores.shape, expected.shape);
  let maxAbs = 0;
  const a = scores.contiguous().data;
  const b = expected.contiguous().data;
  for (let i = 0; i < a.length; i++) {
    const err = Math.abs(a[i]! - b[i]!);
    maxAbs = Math.max(maxAbs, err);
    assert.ok(err <= 1e-4 + 1e-3 * Math.abs(b[i]!), `${name} score ${i}: Nabla ${a[i]} vs PyTorch ${b[i]}`);
  }
  return maxAbs;
}

test('LeNet: weights trained in Nabla give the same outputs in PyTorch, and PyTorch weights the same in Nabla', async () => {
  const net = lenet({ generator: new Random(11) });
  const g = new Random(12);
  // BatchNorm statistics and scales away from their identity values, so every number is exercised.
  const state = net.body.stateDict();
  for (const [k, v] of state) {
    if (k.endsWith('running_mean') || k.endsWith('bias'))
      state.set(k, nd.randomNormal(v.shape, 0, 0.1, { generator: g }));
    if (k.endsWith('running_var')) state.set(k, nd.randomUniform(v.shape, 0.5, 1.5, { generator: g }));
  }
  net.body.loadStateDict(state);
  const x = nd.randomUniform([3, 1, 28, 28], 0, 1, { generator: g });
  net.fitNormalization(nd.randomUniform([5, 1, 28, 28], 0, 1, { generator: g }));
  const there = await nablaToTorch('lenet', net, x);
  const back = await torchToNabla('lenet', net, 3);
  assert.ok(there < 1e-4 && back < 1e-4, `max abs errors ${there}, ${back}`);
});

test('AlexNet (60,965,224 weights, one image): Nabla → PyTorch and PyTorch → Nabla give the same 1000 scores', async () => {
  const net = alexnet({ generator: new Random(21) });
  const g = new Random(22);
  const x = nd.randomUniform([1, 3, 227, 227], 0, 255, { generator: g });
  net.fitNormalization(nd.concat([x, nd.randomUniform([1, 3, 227, 227], 0, 255, { generator: g })], 0));
  await nablaToTorch('alexnet', net, x);
  await torchToNabla('alexnet', net, 1);
});
