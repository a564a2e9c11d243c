/**
 * Test support: the page script for the wasm backend's headless-Chromium test. No gpu.js here:
 * the page runs @nabla/tensor's automatic choice (the wasm backend where the browser validates
 * WebAssembly SIMD) and trains LeNet on it and on the reference backend from the same seed.
 */
import { variable } from '@nabla/autograd';
import { CrossEntropyLoss } from '@nabla/layers';
import { backendSelection, getBackend, NDArray, Random, setBackend, wasmSimdSupport } from '@nabla/tensor';
import { lenet, trainLenet } from './lenet-training.js';

/** One forward and backward pass of LeNet from `seed` on `backend`: every parameter's gradient. */
function gradients(backend: string, batch: number, seed: number): number[][] {
  setBackend(backend);
  const net = lenet(new Random(seed));
  const rng = new Random(seed + 1);
  const images = new Float32Array(batch * 784).map(() => rng.uniform());
  const labels = new Int32Array(batch).map(() => rng.int(10));
  const loss = new CrossEntropyLoss().forward(
    net.forward(variable(new NDArray(images, [batch, 1, 28, 28]))),
    labels,
  );
  loss.backward();
  return net.parameters().map((p) => Array.from(p.grad!.values() as ArrayLike<number>));
}

function attempt<T>(fn: () => T): T | { error: string } {
  try {
    return fn();
  } catch (e) {
    return { error: String((e as Error).stack ?? e) };
  }
}

const api = {
  /** What the page's tensor package chose on its own, and why. */
  selection() {
    return attempt(() => ({ ...backendSelection(), kernel: getBackend().kernel, simd: wasmSimdSupport() }));
  },
  /**
   * The largest difference between the wasm and the reference gradients of any LeNet parameter,
   * relative to that parameter's largest reference gradient (float32 sums against float64 ones).
   */
  gradients(batch: number, seed: number) {
    return attempt(() => {
      const previous = getBackend().name;
      try {
        const wasm = gradients('wasm', batch, seed);
        const reference = gradients('reference', batch, seed);
        let worst = 0;
        wasm.forEach((g, i) => {
          const r = reference[i]!;
          const scale = Math.max(...r.map(Math.abs));
          for (let j = 0; j < r.length; j++) worst = Math.max(worst, Math.abs(g[j]! - r[j]!) / scale);
        });
        return { parameters: wasm.length, worst };
      } finally {
        setBackend(previous);
      }
    });
  },
  /** LeNet from one seed on the wasm backend, then on the reference backend. */
  train(steps: number, batch: number, seed: number) {
    return attempt(() => {
      const t0 = performance.now();
      const wasm = trainLenet('wasm', steps, batch, seed);
      const t1 = performance.now();
      const reference = trainLenet('reference', steps, batch, seed);
      const t2 = performance.now();
      return { wasm, reference, wasmMs: t1 - t0, referenceMs: t2 - t1 };
    });
  },
};

(globalThis as Record<string, unknown>).nablaWasm = api;
(globalThis as Record<string, unknown>).nablaWasmReady = true;

export type WasmBrowserApi = typeof api;
