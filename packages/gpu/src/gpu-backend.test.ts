// In plain Node there is no GL context (headless-gl is not built: see pnpm-workspace.yaml), so
// gpu.js's 'gpu' mode lands on its WebAssembly kernels. These tests prove that path computes the
// same as the cpu backend, that the backend says so, and that strict mode refuses it.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { conv2d, cpuBackend, getBackend, matmul, NDArray, setBackend } from '@nabla/tensor';
import { propertySeed } from '@nabla/tensor/testing';
import { autoBackend } from './auto-backend.js';
import { GpuFallbackError } from './errors.js';
import { createGpuBackend, type GpuBackend } from './gpu-backend.js';
import { registerGpuBackend } from './register.js';
import { checkAll, TOLERANCE } from './testing/agreement.js';
import { lossDisagreement, trainLenet } from './testing/lenet-training.js';

describe('gpu backend on gpu.js webasm (Node)', () => {
  test('reports the WebAssemblyKernel it really runs, not a GPU', () => {
    const b = createGpuBackend();
    try {
      assert.equal(b.kernel, 'WebAssemblyKernel');
      assert.deepEqual(b.kernelClasses, ['WebAssemblyKernel']);
      assert.equal(b.name, 'gpu');
      assert.equal(b.supportsFloat64, false);
    } finally {
      b.dispose();
    }
  });

  test('matmul (4 transpose combinations) and conv2d forward / backward agree with the reference backend', (t) => {
    const b = createGpuBackend({ mode: 'webasm' });
    try {
      const reports = checkAll(b, { numRuns: 25, seed: propertySeed(), maxSide: 12 });
      for (const r of reports) {
        assert.equal(r.cases, 25, `${r.op} ran every case`);
        assert.ok(r.maxError <= TOLERANCE, `${r.op}: max error ${r.maxError} at ${r.worst}`);
        t.diagnostic(
          `${r.op}: ${r.maxError.toFixed(3)} of the bound, ${r.relative.toExponential(2)} of Σ|terms|`,
        );
      }
      assert.equal(b.kernel, 'WebAssemblyKernel');
    } finally {
      b.dispose();
    }
  });

  test('compiles each op and shape once, and reuses it', () => {
    const b = createGpuBackend({ mode: 'wasm' });
    try {
      const before = b.memory().kernels; // the probe matmul
      const a = new Float32Array(12).fill(1);
      const out = new Float32Array(9);
      b.matmul(a, a, out, 3, 4, 3, false, true);
      b.matmul(a, a, out, 3, 4, 3, false, true);
      assert.equal(b.memory().kernels, before + 1);
      assert.deepEqual([...out], new Array(9).fill(4));
      b.matmul(a, a, out, 3, 4, 3, true, false);
      assert.equal(b.memory().kernels, before + 2, 'another transpose combination is another kernel');
      b.dispose();
      assert.equal(b.memory().kernels, 0);
    } finally {
      b.dispose();
    }
  });

  test('strict mode refuses the WebAssembly fallback with a clear error', () => {
    assert.throws(
      () => createGpuBackend({ strict: true }),
      (e: unknown) =>
        e instanceof GpuFallbackError &&
        e.actual === 'WebAssemblyKernel' &&
        e.expected.includes('WebGL2Kernel') &&
        /strict gpu backend expected a kernel of class WebGL2Kernel or .* got WebAssemblyKernel/.test(
          e.message,
        ),
    );
    assert.throws(() => createGpuBackend({ mode: 'webasm', strict: true }), GpuFallbackError);
    assert.throws(() => createGpuBackend({ mode: 'cpu', strict: true }), GpuFallbackError);
  });

  test("gpu.js's own JavaScript kernels are reported as CPUKernel", () => {
    const b = createGpuBackend({ mode: 'cpu' });
    try {
      assert.equal(b.kernel, 'CPUKernel');
    } finally {
      b.dispose();
    }
  });

  test('refuses modes it cannot honour, naming them', () => {
    assert.throws(
      () => createGpuBackend({ mode: 'webgpu' }),
      /createGpuBackend: mode 'webgpu' needs asynchronous readback/,
    );
    assert.throws(
      () => createGpuBackend({ mode: 'webgl2' }),
      /createGpuBackend: gpu.js cannot run mode 'webgl2' here/,
    );
  });

  test('auto picks the cpu backend when only a fallback exists, and says why', () => {
    const choice = autoBackend();
    assert.equal(choice.name, 'cpu');
    assert.equal(choice.kernel, 'TypeScript');
    assert.equal(choice.backend.name, 'cpu');
    assert.match(choice.reason, /no GL or WebGPU context: gpu.js would have run WebAssemblyKernel/);
  });

  test("setBackend('gpu') runs tensor ops through the registered backend; float64 stays on the cpu", () => {
    registerGpuBackend({ mode: 'webasm' });
    try {
      const b = setBackend('gpu') as GpuBackend;
      assert.equal(getBackend().name, 'gpu');
      assert.equal(getBackend().kernel, 'WebAssemblyKernel');
      const x = new NDArray(
        Float32Array.from({ length: 2 * 3 * 5 * 5 }, (_, i) => Math.sin(i)),
        [2, 3, 5, 5],
      );
      const w = new NDArray(
        Float32Array.from({ length: 4 * 3 * 3 * 3 }, (_, i) => Math.cos(i)),
        [4, 3, 3, 3],
      );
      const before = b.memory().kernels;
      const y = conv2d(x, w, { padding: 1 });
      assert.equal(b.memory().kernels, before + 1, 'conv2d ran on gpu.js');
      setBackend('cpu');
      const ref = conv2d(x, w, { padding: 1 });
      const err = Math.max(...[...y.data].map((v, i) => Math.abs(v - ref.data[i]!)));
      assert.ok(err < 1e-5, `conv2d through setBackend('gpu') differs from cpu by ${err}`);

      setBackend('gpu');
      const m64 = new NDArray(Float64Array.from([1, 2, 3, 4]), [2, 2]);
      const kernelsBefore = b.memory().kernels;
      const p = matmul(m64, m64);
      assert.equal(p.dtype, 'float64');
      assert.deepEqual([...p.data], [7, 10, 15, 22]);
      assert.equal(b.memory().kernels, kernelsBefore, 'float64 matmul did not touch gpu.js');
      assert.equal(cpuBackend().name, 'cpu');
    } finally {
      setBackend('cpu');
    }
  });
});

describe('LeNet training on gpu.js webasm (Node)', () => {
  test('gives the cpu run’s losses to float32 rounding', () => {
    registerGpuBackend({ mode: 'webasm' });
    const cpu = trainLenet('cpu', 4, 8, 11);
    const gpu = trainLenet('gpu', 4, 8, 11);
    assert.equal(gpu.kernel, 'WebAssemblyKernel');
    assert.equal(getBackend().name, 'cpu', 'trainLenet restores the backend');
    const gap = lossDisagreement(gpu.losses, cpu.losses);
    assert.ok(gap <= 1e-4, `loss curves differ by ${gap} (relative)`);
    assert.ok(cpu.losses.every((l) => Number.isFinite(l) && l > 0));
  });
});
