import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import fc from 'fast-check';
import ts from 'typescript';
import type { Conv2dGeometry, Pool2dGeometry } from '../backend.js';
import { conv2dGeometry } from '../conv.js';
import { Random } from '../random.js';
import { propertyParameters } from '../testing/index.js';
import { createCpuBackend } from './index.js';
import { createParallelCpuBackend } from './parallel.js';
import { createWasmBackend } from '../wasm/index.js';

// A fresh seed each run, printed; NABLA_SEED=<seed> replays it (see @nabla/tensor/testing).
fc.configureGlobal(propertyParameters());

/**
 * Two worker_threads running runKernelJob: the host wiring a Node subpath or a browser bundle
 * provides. Workers do not inherit tsx's loader, so the kernel sources are transpiled to plain
 * JavaScript in a temporary directory first (the same code, types stripped).
 */
const workerDir = mkdtempSync(join(tmpdir(), 'nabla-kernels-'));
writeFileSync(join(workerDir, 'package.json'), '{"type":"module"}');
mkdirSync(join(workerDir, 'cpu'));
mkdirSync(join(workerDir, 'wasm'));
for (const file of [
  'wasm/kernels',
  'wasm/instance',
  'wasm/kernel-bytes',
  'cpu/kernelJob',
  'cpu/conv2d',
  'cpu/conv2d-single-channel',
  'cpu/epilogue',
  'cpu/matmul',
  'cpu/gemm',
  'cpu/pool',
  'cpu/scratch',
]) {
  const source = readFileSync(fileURLToPath(new URL(`../${file}.ts`, import.meta.url)), 'utf8');
  const js = ts.transpileModule(source, {
    compilerOptions: {
      module: ts.ModuleKind.ESNext,
      target: ts.ScriptTarget.ES2022,
      verbatimModuleSyntax: false,
    },
  }).outputText;
  writeFileSync(join(workerDir, `${file}.js`), js);
}
const entry = `import { parentPort } from 'node:worker_threads';
import { runKernelJob } from ${JSON.stringify(pathToFileURL(join(workerDir, 'cpu/kernelJob.js')).href)};
parentPort.on('message', (job) => runKernelJob(job));`;
const workers = [0, 1].map(
  () => new Worker(new URL(`data:text/javascript,${encodeURIComponent(entry)}`), { execArgv: [] }),
);
after(async () => {
  await Promise.all(workers.map((w) => w.terminate()));
  rmSync(workerDir, { recursive: true, force: true });
});

/** The same properties for both kernel sets the parallel backend spreads: TypeScript and wasm. */
for (const kernels of ['cpu', 'wasm'] as const) {
  const single = kernels === 'cpu' ? createCpuBackend() : createWasmBackend();
  // minWork 0: split even the smallest kernels, so the tests reach every share boundary.
  const two = createParallelCpuBackend(workers.slice(0, 1), { minWork: 0, timeoutMs: 20_000, kernels });
  const three = createParallelCpuBackend(workers, { minWork: 0, timeoutMs: 20_000, kernels });

  function filled(n: number, seed: number, f64: boolean): Float32Array | Float64Array {
    const rng = new Random(seed);
    const out = f64 ? new Float64Array(n) : new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = rng.uniformRange(-1, 1);
    return out;
  }

  test(`${kernels} kernels: parallel matmul is bit-identical to the single-thread kernel (rows split over 2 and 3 threads)`, () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 90 }),
        fc.integer({ min: 0, max: 300 }),
        fc.integer({ min: 1, max: 90 }),
        fc.boolean(),
        fc.boolean(),
        fc.boolean(),
        fc.integer(),
        (m, k, n, ta, tb, f64, seed) => {
          const a = filled(m * k, seed, f64);
          const b = filled(k * n, seed + 1, f64);
          const expected = f64 ? new Float64Array(m * n) : new Float32Array(m * n);
          single.matmul(a, b, expected, m, k, n, ta, tb);
          for (const backend of [two, three]) {
            const got = f64 ? new Float64Array(m * n) : new Float32Array(m * n);
            backend.matmul(a, b, got, m, k, n, ta, tb);
            assert.deepEqual(got, expected);
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  test(`${kernels} kernels: parallel conv2d split by images: forward bit-identical, both gradients equal to float32 rounding`, () => {
    fc.assert(
      fc.property(
        fc.record({
          n: fc.integer({ min: 1, max: 7 }),
          cig: fc.integer({ min: 1, max: 3 }),
          cog: fc.integer({ min: 1, max: 4 }),
          groups: fc.integer({ min: 1, max: 2 }),
          h: fc.integer({ min: 3, max: 9 }),
          stride: fc.integer({ min: 1, max: 2 }),
          padding: fc.integer({ min: 0, max: 1 }),
          seed: fc.integer(),
        }),
        ({ n, cig, cog, groups, h, stride, padding, seed }) => {
          const g: Conv2dGeometry = conv2dGeometry(
            'test',
            [n, cig * groups, h, h + 1],
            [cog * groups, cig, 3, 3],
            {
              stride,
              padding,
              groups,
            },
          );
          const xLen = n * g.inChannels * h * (h + 1);
          const wLen = g.outChannels * cig * 9;
          const yLen = n * g.outChannels * g.outHeight * g.outWidth;
          const x = filled(xLen, seed, false);
          const w = filled(wLen, seed + 1, false);
          const dy = filled(yLen, seed + 2, false);
          const ref = { y: new Float32Array(yLen), dx: new Float32Array(xLen), dw: new Float32Array(wLen) };
          single.conv2d(x, w, ref.y, g);
          // The fused epilogue (a folded batch norm and ReLU) travels with the job to each worker.
          const epilogue = {
            scale: Float64Array.from(filled(g.outChannels, seed + 3, true)),
            shift: Float64Array.from(filled(g.outChannels, seed + 4, true)),
            relu: true,
          };
          const refFused = new Float32Array(yLen);
          single.fusedConv2d!(x, w, refFused, g, epilogue);
          single.conv2dBackwardInput(dy, w, ref.dx, g);
          single.conv2dBackwardFilter(x, dy, ref.dw, g);
          const abs = (a: Float32Array | Float64Array) => Float64Array.from(a, Math.abs);
          const mag = { dx: new Float64Array(xLen), dw: new Float64Array(wLen) };
          single.conv2dBackwardInput(abs(dy), abs(w), mag.dx, g);
          single.conv2dBackwardFilter(abs(x), abs(dy), mag.dw, g);
          for (const backend of [two, three]) {
            const y = new Float32Array(yLen).fill(Number.NaN);
            const dx = new Float32Array(xLen).fill(Number.NaN);
            const dw = new Float32Array(wLen).fill(Number.NaN);
            backend.conv2d(x, w, y, g);
            backend.conv2dBackwardInput(dy, w, dx, g);
            backend.conv2dBackwardFilter(x, dy, dw, g);
            assert.deepEqual(y, ref.y);
            const fused = new Float32Array(yLen).fill(Number.NaN);
            backend.fusedConv2d!(x, w, fused, g, epilogue);
            assert.deepEqual(fused, refFused);
            // Summed in another order, each gradient entry may differ by float32 rounding of its terms:
            // measured against Σ|terms| (the same kernel on absolute values), not against the entry,
            // which can cancel to almost nothing.
            // The TypeScript kernels sum in float64 (one float32 rounding: 1e-6 is ample); the wasm
            // ones in float32, where two orders of T terms differ by at most 2·γ_T·Σ|terms|.
            const tol = (terms: number) => (kernels === 'cpu' ? 1e-6 : 2 * terms * 2 ** -24);
            const tx = tol(cog * 9);
            const tw = tol(n * g.outHeight * g.outWidth);
            for (let i = 0; i < xLen; i++)
              assert.ok(Math.abs(dx[i]! - ref.dx[i]!) <= tx * (1e-6 + mag.dx[i]!), `dx[${i}]`);
            for (let i = 0; i < wLen; i++)
              assert.ok(Math.abs(dw[i]! - ref.dw[i]!) <= tw * (1e-6 + mag.dw[i]!), `dw[${i}]`);
          }
        },
      ),
      { numRuns: 30 },
    );
  });

  test(`${kernels} kernels: parallel max pooling split by images equals the single-thread kernel, values and argmax indices`, () => {
    fc.assert(
      fc.property(
        fc.record({
          n: fc.integer({ min: 1, max: 7 }),
          c: fc.integer({ min: 1, max: 3 }),
          h: fc.integer({ min: 2, max: 9 }),
          k: fc.integer({ min: 1, max: 3 }),
          stride: fc.integer({ min: 1, max: 3 }),
          f64: fc.boolean(),
          seed: fc.integer(),
        }),
        ({ n, c, h, k, stride, f64, seed }) => {
          const size = Math.max(h, k);
          const out = Math.floor((size - k) / stride) + 1;
          const g: Pool2dGeometry = {
            batch: n,
            channels: c,
            inHeight: size,
            inWidth: size + 1,
            kernelHeight: k,
            kernelWidth: k,
            strideHeight: stride,
            strideWidth: stride,
            padHeight: 0,
            padWidth: 0,
            outHeight: out,
            outWidth: Math.floor((size + 1 - k) / stride) + 1,
          };
          const x = filled(n * c * size * (size + 1), seed, f64);
          // Ties (rounded values) and a NaN exercise the first-wins rules on every share.
          for (let i = 0; i < x.length; i++) x[i] = Math.round(4 * x[i]!) / 4;
          if (x.length > 3) x[(seed % x.length) >>> 0] = Number.NaN;
          const count = n * c * g.outHeight * g.outWidth;
          const alloc = (len: number) => (f64 ? new Float64Array(len) : new Float32Array(len));
          const ref = { out: alloc(count), argmax: new Int32Array(count) };
          single.maxPool2d(x, ref.out, ref.argmax, g);
          for (const backend of [two, three]) {
            const got = { out: alloc(count).fill(7), argmax: new Int32Array(count).fill(-7) };
            backend.maxPool2d(x, got.out, got.argmax, g);
            assert.deepEqual(got.out, ref.out);
            assert.deepEqual(got.argmax, ref.argmax);
          }
        },
      ),
      { numRuns: 40 },
    );
  });
}

test('the parallel backend names itself, and small work stays on the calling thread', () => {
  const lazy = createParallelCpuBackend(workers, {});
  assert.equal(lazy.name, 'cpu-parallel');
  assert.equal(lazy.kernel, 'TypeScript on 3 threads');
  // No worker is involved below minWork: a worker that never answers must not be waited for.
  const silent = createParallelCpuBackend([{ postMessage() {} }], { timeoutMs: 50 });
  const out = new Float32Array(4);
  silent.matmul(new Float32Array([1, 2, 3, 4]), new Float32Array([1, 0, 0, 1]), out, 2, 2, 2, false, false);
  assert.deepEqual([...out], [1, 2, 3, 4]);
  const stuck = createParallelCpuBackend([{ postMessage() {} }], { timeoutMs: 50, minWork: 0 });
  assert.throws(
    () =>
      stuck.matmul(new Float32Array(64), new Float32Array(64), new Float32Array(64), 8, 8, 8, false, false),
    /parallel cpu: worker 0 did not finish within 50 ms/,
  );
});
