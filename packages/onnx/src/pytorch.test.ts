import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { noGrad } from '@nabla/autograd';
import { INTEROP_DIR, runPython } from '@nabla/io/node';
import { NDArray, ValueError } from '@nabla/tensor';
import { importOnnx } from './import.js';
import { decodeModel } from './proto.js';
import { maxRelativeDifference } from './testing.js';

/**
 * PyTorch 1.13's own exporter (torch.onnx.export, Debian's python3-torch as /usr/bin/python3) writes
 * LeNet, an MLP and the zoo's AlexNet (interop/onnx_export.py); Nabla imports each file and gives
 * PyTorch's outputs on PyTorch's inputs, to float32 rounding.
 */

const dir = mkdtempSync(join(tmpdir(), 'nabla-onnx-torch-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const TOLERANCE = 1e-5;

async function exportWithTorch(
  model: string,
): Promise<{ out: string; inputShape: number[]; outputShape: number[] }> {
  const out = join(dir, model);
  const r = await runPython(
    [join(INTEROP_DIR, 'onnx_export.py'), '--model', model, '--out', out, '--seed', '15'],
    {
      env: { NABLA_TORCH_THREADS: '1' },
    },
  );
  assert.equal(r.code, 0, `onnx_export.py --model ${model} exited ${r.code}:\n${r.stderr}`);
  const meta = JSON.parse(r.stdout.trim().split('\n').pop()!) as {
    input_shape: number[];
    output_shape: number[];
  };
  return { out, inputShape: meta.input_shape, outputShape: meta.output_shape };
}

function floats(path: string, shape: number[]): NDArray {
  const b = readFileSync(path);
  const v = new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
  return new NDArray(v, shape);
}

const opTypes = (bytes: Uint8Array) => new Set((decodeModel(bytes).graph?.node ?? []).map((n) => n.opType));

test('LeNet exported by PyTorch (BatchNormalization, and view(size(0), −1) as Shape → Gather → Unsqueeze → Concat → Reshape) imports and matches PyTorch', async () => {
  const { out, inputShape, outputShape } = await exportWithTorch('lenet');
  const bytes = readFileSync(join(out, 'model.onnx'));
  const ops = opTypes(bytes);
  for (const op of ['BatchNormalization', 'Shape', 'Gather', 'Unsqueeze', 'Concat', 'Reshape', 'Gemm'])
    assert.ok(ops.has(op), `PyTorch's export should contain ${op} (has ${[...ops].join(', ')})`);
  const net = importOnnx(bytes);
  assert.equal(net.learnables(), 180_880);
  const x = floats(join(out, 'input.f32'), inputShape);
  const scores = noGrad(() => net.forward(x).data);
  const diff = maxRelativeDifference(scores.values(), floats(join(out, 'output.f32'), outputShape).values());
  console.log(`LeNet: max |Nabla − PyTorch| / max |PyTorch| = ${diff.toExponential(2)}`);
  assert.ok(diff <= TOLERANCE, `LeNet differs from PyTorch by ${diff}`);
});

test('the MLP exported by PyTorch (Gemm) imports and matches PyTorch', async () => {
  const { out, inputShape, outputShape } = await exportWithTorch('mlp');
  const net = importOnnx(readFileSync(join(out, 'model.onnx')));
  const x = floats(join(out, 'input.f32'), inputShape);
  const diff = maxRelativeDifference(
    noGrad(() => net.forward(x).data).values(),
    floats(join(out, 'output.f32'), outputShape).values(),
  );
  console.log(`MLP: max |Nabla − PyTorch| / max |PyTorch| = ${diff.toExponential(2)}`);
  assert.ok(diff <= TOLERANCE, `the MLP differs from PyTorch by ${diff}`);
});

test("the zoo's AlexNet (bvlcalexnet's structure and op set) saved by PyTorch imports and matches PyTorch's scores and probabilities", async () => {
  const { out, inputShape, outputShape } = await exportWithTorch('alexnet-zoo');
  const bytes = readFileSync(join(out, 'model.onnx'));
  assert.deepEqual([...opTypes(bytes)].sort(), [
    'Constant',
    'Conv',
    'Dropout',
    'Gemm',
    'LRN',
    'MaxPool',
    'Relu',
    'Reshape',
    'Softmax',
  ]);
  const net = importOnnx(bytes);
  assert.equal(net.learnables(), 60_965_224);
  assert.equal(net.outputKind, 'classification');
  const x = floats(join(out, 'input.f32'), inputShape);
  const scores = noGrad(() => net.forward(x).data);
  const dScores = maxRelativeDifference(
    scores.values(),
    floats(join(out, 'scores.f32'), outputShape).values(),
  );
  const dProb = maxRelativeDifference(
    net.predict(x).values(),
    floats(join(out, 'output.f32'), outputShape).values(),
  );
  console.log(
    `AlexNet: scores ${dScores.toExponential(2)}, probabilities ${dProb.toExponential(2)} (max relative)`,
  );
  // Softmax turns a score error Δz into a probability error of about p·Δz, Δz up to max|z| times
  // the scores' relative error: the probabilities get a few times the scores' tolerance.
  assert.ok(
    dScores <= TOLERANCE && dProb <= 4 * TOLERANCE,
    `AlexNet differs from PyTorch: ${dScores}, ${dProb}`,
  );
});

test("PyTorch's default export of LocalResponseNorm (decomposed into Pad, AveragePool, If …) is refused with the nodes listed", async () => {
  const { out } = await exportWithTorch('alexnet-torch');
  assert.throws(
    () => importOnnx(readFileSync(join(out, 'model.onnx'))),
    (e: Error) =>
      e instanceof ValueError &&
      /\d+ unsupported nodes/.test(e.message) &&
      /\/features\/features\.2\/Pad \(Pad\): operator not supported/.test(e.message) &&
      /… and \d+ more/.test(e.message),
  );
});
