import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { NDArray, tensor } from '@nabla/tensor';
import { decodeSafetensors, encodeSafetensors, type SafetensorsDType } from '../index.js';
import { INTEROP_DIR, PythonUnavailableError, runPython } from './python.js';

/**
 * The format round trip through PyTorch (Debian's python3-torch, run as /usr/bin/python3): what
 * Nabla writes, PyTorch reads; what PyTorch writes, Nabla reads; byte for byte where both write.
 * The models' outputs are compared in the models package's interop test, on top of this.
 */

const dir = mkdtempSync(join(tmpdir(), 'nabla-io-interop-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const roundtrip = join(INTEROP_DIR, 'roundtrip.py');

async function python(args: string[]): Promise<string> {
  const r = await runPython([roundtrip, ...args], { env: { NABLA_TORCH_THREADS: '1' } });
  assert.equal(r.code, 0, `roundtrip.py ${args[0]} exited ${r.code}:\n${r.stderr}`);
  return r.stdout;
}

test('tensors of every dtype written by Nabla are read by PyTorch and written back byte for byte', async () => {
  const tensors = new Map<string, NDArray>([
    [
      'conv.weight',
      new NDArray(
        Float32Array.from({ length: 2 * 3 * 2 * 2 }, (_, i) => Math.sin(i) * 1e3),
        [2, 3, 2, 2],
      ),
    ],
    ['double', tensor([[Math.PI, -0, 1e-300]], 'float64')],
    ['labels', tensor([0, 9, -5, 2 ** 31 - 1], 'int32')],
    ['bn.num_batches_tracked', tensor(42, 'int32')],
    ['half', tensor([0.5, -2, 65504, 1e-7])],
    ['brain', tensor([1.5, -3.25e20])],
    ['bytes', tensor([0, 255, 7], 'int32')],
    ['small', tensor([-128, 127], 'int32')],
    ['short', tensor([-32768, 32767], 'int32')],
    ['mask', tensor([1, 0, 1], 'int32')],
    ['empty', new NDArray(new Float32Array(0), [0, 3])],
    ['名前.ünïcode', tensor([1])],
  ]);
  const dtypes: Record<string, SafetensorsDType> = {
    'bn.num_batches_tracked': 'I64',
    half: 'F16',
    brain: 'BF16',
    bytes: 'U8',
    small: 'I8',
    short: 'I16',
    mask: 'BOOL',
  };
  const written = encodeSafetensors(tensors, { format: 'pt', note: 'ü "quoted" \n' }, { dtypes });
  const a = join(dir, 'nabla.safetensors');
  const b = join(dir, 'torch.safetensors');
  writeFileSync(a, written);
  assert.match(await python(['echo', '--input', a, '--output', b]), /echoed 12 tensors/);
  const echoed = new Uint8Array(readFileSync(b));
  assert.deepEqual(echoed, written, 'the Python writer and ours produce the same bytes');
  const back = decodeSafetensors(echoed, b);
  for (const [name, t] of decodeSafetensors(written).tensors)
    assert.deepEqual(back.tensors.get(name), t, name);
});

test('LeNet weights made in PyTorch load in Nabla with their names, shapes and dtypes, and travel back', async () => {
  const w = join(dir, 'lenet.safetensors');
  const x = join(dir, 'lenet-x.safetensors');
  const y = join(dir, 'lenet-y.safetensors');
  await python(['export', '--model', 'lenet', '--weights', w, '--input', x, '--output', y, '--seed', '3']);
  const torchBytes = new Uint8Array(readFileSync(w));
  const file = decodeSafetensors(torchBytes, w);
  const described = JSON.parse(await python(['describe', '--model', 'lenet'])) as {
    parameters: number;
    stateDict: Record<string, { shape: number[]; dtype: string }>;
  };
  assert.equal(described.parameters, 180_880);
  assert.deepEqual([...file.tensors.keys()].sort(), Object.keys(described.stateDict).sort());
  for (const [name, { shape }] of Object.entries(described.stateDict))
    assert.deepEqual(file.tensors.get(name)!.shape, shape, name);
  assert.equal(file.dtypes.get('1.num_batches_tracked'), 'I64');
  assert.deepEqual([...file.tensors.get('1.num_batches_tracked')!.data], [7]);
  assert.deepEqual(
    decodeSafetensors(new Uint8Array(readFileSync(x))).tensors.get('input')!.shape,
    [2, 1, 28, 28],
  );

  // Nabla writes the same file back, byte for byte, given the same metadata and dtypes …
  const again = encodeSafetensors(file.tensors, file.metadata, { dtypes: file.dtypes });
  assert.deepEqual(again, torchBytes);
  // … and with its own int32 for num_batches_tracked, PyTorch still loads it strictly and agrees.
  const ours = join(dir, 'lenet-nabla.safetensors');
  writeFileSync(ours, encodeSafetensors(file.tensors));
  const check = JSON.parse(
    await python(['check', '--model', 'lenet', '--weights', ours, '--input', x, '--expected', y]),
  );
  assert.equal(check.pass, true);
  assert.equal(check.maxAbsError, 0);
});

test('the check refuses weights that do not fit the PyTorch module, and outputs that differ', async () => {
  const w = join(dir, 'lenet.safetensors');
  const x = join(dir, 'lenet-x.safetensors');
  const y = join(dir, 'lenet-y.safetensors');
  const file = decodeSafetensors(new Uint8Array(readFileSync(w)));
  const misnamed = new Map(file.tensors);
  misnamed.set('0.w', misnamed.get('0.weight')!);
  misnamed.delete('0.weight');
  writeFileSync(join(dir, 'misnamed.safetensors'), encodeSafetensors(misnamed));
  const r = await runPython([
    roundtrip,
    'check',
    '--model',
    'lenet',
    '--weights',
    join(dir, 'misnamed.safetensors'),
    '--input',
    x,
    '--expected',
    y,
  ]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /Missing key\(s\) in state_dict: "0.weight"/);

  const output = decodeSafetensors(new Uint8Array(readFileSync(y))).tensors.get('output')!;
  const nudged = output.copy();
  nudged.data[3]! += 0.01;
  writeFileSync(join(dir, 'nudged.safetensors'), encodeSafetensors({ output: nudged }));
  const off = await runPython([
    roundtrip,
    'check',
    '--model',
    'lenet',
    '--weights',
    w,
    '--input',
    x,
    '--expected',
    join(dir, 'nudged.safetensors'),
  ]);
  assert.equal(off.code, 1);
  assert.ok(Math.abs(JSON.parse(off.stdout).maxAbsError - 0.01) < 1e-4);
});

test('AlexNet (the original, 60,965,224 parameters): PyTorch weights pass through Nabla and back', async () => {
  const w = join(dir, 'alexnet.safetensors');
  const x = join(dir, 'alexnet-x.safetensors');
  const y = join(dir, 'alexnet-y.safetensors');
  await python([
    'export',
    '--model',
    'alexnet',
    '--weights',
    w,
    '--input',
    x,
    '--output',
    y,
    '--seed',
    '1',
    '--batch',
    '1',
  ]);
  const file = decodeSafetensors(new Uint8Array(readFileSync(w)), w);
  let count = 0;
  for (const t of file.tensors.values()) count += t.size;
  assert.equal(count, 60_965_224);
  assert.deepEqual(file.tensors.get('features.4.weight')!.shape, [256, 48, 5, 5]); // conv2, 2 groups
  assert.deepEqual(file.tensors.get('classifier.0.weight')!.shape, [4096, 9216]);
  assert.deepEqual(file.tensors.get('classifier.6.bias')!.shape, [1000]);
  const ours = join(dir, 'alexnet-nabla.safetensors');
  writeFileSync(ours, encodeSafetensors(file.tensors));
  file.tensors.clear();
  const check = JSON.parse(
    await python(['check', '--model', 'alexnet', '--weights', ours, '--input', x, '--expected', y]),
  );
  assert.equal(check.pass, true);
});

test('runPython says what to install when the interpreter is missing', async () => {
  await assert.rejects(
    runPython(['-c', 'pass'], { python: join(dir, 'no-python-here') }),
    (e: unknown) => e instanceof PythonUnavailableError && /python3-torch/.test(e.message),
  );
  // An interpreter without torch fails its import; the runner turns that into the same advice.
  const withoutTorch =
    'import sys; sys.stderr.write("ModuleNotFoundError: No module named \'torch\'\\n"); sys.exit(1)';
  await assert.rejects(
    runPython(['-c', withoutTorch]),
    (e: unknown) => e instanceof PythonUnavailableError && /cannot import torch; install/.test(e.message),
  );
});
