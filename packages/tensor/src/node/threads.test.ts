import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { getBackend, setBackend } from '../backend.js';
import { conv2d, conv2dBackwardFilter, conv2dBackwardInput } from '../conv.js';
import { fromTypedArray } from '../creation.js';
import { matmul } from '../matmul.js';
import { Random } from '../random.js';
import { checkBackend, OPTIONAL_OPS, REQUIRED_OPS } from '../testing/index.js';
import { disableThreads, enableThreads, threadCount } from './threads.js';

function filled(shape: number[], seed: number) {
  const rng = new Random(seed);
  const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < data.length; i++) data[i] = rng.uniformRange(-1, 1);
  return fromTypedArray(data, shape);
}

test('enableThreads runs matmul and conv2d on kernel threads from the sources; disableThreads goes back', async () => {
  setBackend('cpu');
  const a = filled([96, 200], 1);
  const b = filled([200, 70], 2);
  const x = filled([6, 3, 12, 12], 3);
  const w = filled([8, 3, 3, 3], 4);
  const options = { padding: 1 };
  const one = {
    mm: matmul(a, b).values(),
    y: conv2d(x, w, options).values(),
  };
  const dy = filled([6, 8, 12, 12], 5);
  const dx1 = conv2dBackwardInput(dy, w, x.shape, options).values();
  const dw1 = conv2dBackwardFilter(x, dy, w.shape, options).values();

  const backend = await enableThreads({ threads: 3, minWork: 0 });
  try {
    assert.equal(backend.name, 'cpu-parallel');
    assert.equal(getBackend(), backend);
    assert.equal(threadCount(), 3);
    assert.deepEqual(matmul(a, b).values(), one.mm);
    assert.deepEqual(conv2d(x, w, options).values(), one.y);
    // The two gradients differ from one thread only by rounding, and are the same on every run.
    const dx = conv2dBackwardInput(dy, w, x.shape, options).values();
    const dw = conv2dBackwardFilter(x, dy, w.shape, options).values();
    for (let i = 0; i < dx.length; i++)
      assert.ok(Math.abs(dx[i]! - dx1[i]!) <= 1e-5 * (1 + Math.abs(dx1[i]!)));
    for (let i = 0; i < dw.length; i++)
      assert.ok(Math.abs(dw[i]! - dw1[i]!) <= 1e-5 * (1 + Math.abs(dw1[i]!)));
    assert.deepEqual(conv2dBackwardInput(dy, w, x.shape, options).values(), dx);
    assert.deepEqual(conv2dBackwardFilter(x, dy, w.shape, options).values(), dw);
  } finally {
    await disableThreads();
  }
  assert.equal(getBackend().name, 'cpu');
  assert.equal(threadCount(), 1);
  assert.deepEqual(matmul(a, b).values(), one.mm);
});

test('over the wasm backend, enableThreads spreads the wasm kernels and disableThreads returns to wasm', async () => {
  setBackend('wasm');
  const a = filled([96, 200], 1);
  const b = filled([200, 70], 2);
  const one = matmul(a, b).values();
  const backend = await enableThreads({ threads: 2, minWork: 0 });
  try {
    assert.equal(backend.name, 'wasm-parallel');
    assert.match(backend.kernel, /^WebAssembly SIMD .* on 2 threads$/);
    assert.equal(threadCount(), 2);
    // Split by rows, each entry is the same float32 sum: bit-identical to one thread.
    assert.deepEqual(matmul(a, b).values(), one);
  } finally {
    await disableThreads();
  }
  assert.equal(getBackend().name, 'wasm');
  setBackend('cpu');
});

test('the threaded cpu backend agrees with the reference within the rounding bound, kernel by kernel', async () => {
  // minWork 0 splits every kernel, even the smallest, across the calling thread and two workers;
  // the drawn batches and shapes include the GEMM's block edges.
  setBackend('cpu');
  const backend = await enableThreads({ threads: 3, minWork: 0 });
  try {
    const reports = checkBackend(backend, { numRuns: 15 });
    assert.deepEqual(
      reports.map((r) => r.op),
      [...REQUIRED_OPS, ...OPTIONAL_OPS],
    );
    for (const r of reports) assert.ok(r.ratio <= 1, `${r.op}: ${r.ratio} of its bound at ${r.worst}`);
  } finally {
    await disableThreads();
  }
});

test('enableThreads refuses a bad thread count; threads: 1 starts nothing', async () => {
  await assert.rejects(
    enableThreads({ threads: 0 }),
    /enableThreads: threads must be a positive integer, got 0/,
  );
  await assert.rejects(enableThreads({ threads: 1.5 }), /got 1.5/);
  setBackend('cpu');
  assert.equal((await enableThreads({ threads: 1 })).name, 'cpu');
  assert.equal(threadCount(), 1);
});

/**
 * The package as published: the sources compiled to plain JavaScript (types stripped, the same
 * layout as dist/), loaded by plain node with no flags. The kernel threads start from the compiled
 * kernel-worker.js, and the process exits by itself with threads still enabled (they are unref'd).
 */
test('from compiled JavaScript, plain node starts the kernel threads and exits without disableThreads', () => {
  const src = fileURLToPath(new URL('..', import.meta.url));
  const out = mkdtempSync(join(tmpdir(), 'nabla-threads-'));
  try {
    writeFileSync(join(out, 'package.json'), '{"type":"module"}');
    const walk = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory()
          ? walk(join(dir, e.name))
          : e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')
            ? [join(dir, e.name)]
            : [],
      );
    for (const file of walk(src)) {
      const js = ts.transpileModule(readFileSync(file, 'utf8'), {
        compilerOptions: {
          module: ts.ModuleKind.ESNext,
          target: ts.ScriptTarget.ES2022,
          verbatimModuleSyntax: false,
        },
      }).outputText;
      const to = join(out, relative(src, file).replace(/\.ts$/, '.js'));
      mkdirSync(dirname(to), { recursive: true });
      writeFileSync(to, js);
    }
    const script = `
      import { enableThreads, threadCount } from './node/index.js';
      import { matmul, ones } from './index.js';
      await enableThreads({ threads: 2, minWork: 0 });
      const c = matmul(ones([40, 30]), ones([30, 20]));
      console.log(threadCount(), c.values().every((v) => v === 30));`;
    writeFileSync(join(out, 'main.js'), script);
    const stdout = execFileSync(process.execPath, ['main.js'], {
      cwd: out,
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(stdout.trim(), '2 true');
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
