/**
 * Test support: the page script for the headless-Chromium tests. It exposes functions that the
 * Node test calls through `page.evaluate`, each returning plain data (or an `error` string, so a
 * failure arrives in Node with its message and stack rather than as a bare evaluate rejection).
 */
import { autoBackend, createGpuBackend, type GpuMode, registerGpuBackend } from '../index.js';
import { cpuBackend } from '@nabla/tensor';
import { type AgreementOptions, checkAll, checkLenetShapes } from './agreement.js';
import { trainLenet } from './lenet-training.js';
import { timeCases } from './speed-cases.js';

function attempt<T>(fn: () => T): T | { error: string } {
  try {
    return fn();
  } catch (e) {
    return { error: String((e as Error).stack ?? e) };
  }
}

const api = {
  /** The four primitives against the reference backend, on a strict backend of the given mode. */
  agreement(mode: GpuMode, options: AgreementOptions) {
    return attempt(() => {
      const backend = createGpuBackend({ mode, strict: true });
      try {
        const reports = checkAll(backend, options);
        return { kernel: backend.kernel, classes: backend.kernelClasses, reports };
      } finally {
        backend.dispose();
      }
    });
  },
  /** LeNet's layer shapes at batch 8: textures of a few thousand texels and longer inner loops. */
  lenetShapes(mode: GpuMode) {
    return attempt(() => {
      const backend = createGpuBackend({ mode, strict: true });
      try {
        return { kernel: backend.kernel, reports: checkLenetShapes(backend) };
      } finally {
        backend.dispose();
      }
    });
  },
  /** The WebGL2 renderer string (SwiftShader here), for the record. */
  renderer() {
    const gl = document.createElement('canvas').getContext('webgl2');
    if (!gl) return 'no WebGL2 context';
    const info = gl.getExtension('WEBGL_debug_renderer_info');
    return String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
  },
  /** LeNet trained from one seed on the cpu backend, then on a strict gpu backend of the given mode. */
  train(mode: GpuMode, steps: number, batch: number, seed: number) {
    return attempt(() => {
      registerGpuBackend({ mode, strict: true });
      const t0 = performance.now();
      const cpu = trainLenet('cpu', steps, batch, seed);
      const t1 = performance.now();
      const gpu = trainLenet('gpu', steps, batch, seed);
      const t2 = performance.now();
      return { cpu, gpu, cpuMs: t1 - t0, gpuMs: t2 - t1 };
    });
  },
  /** Timings for the speed script: the cpu backend in the page's V8, and the given gpu.js mode. */
  speed(mode: GpuMode, reps: number) {
    return attempt(() => {
      const backend = createGpuBackend({ mode, strict: mode !== 'webasm' && mode !== 'cpu' });
      try {
        const gpu = timeCases(backend, reps);
        return { kernel: backend.kernel, gpu, cpu: timeCases(cpuBackend(), reps) };
      } finally {
        backend.dispose();
      }
    });
  },
  /** What gpu.js's default mode chooses here, as the backend reports it. */
  defaultKernel() {
    return attempt(() => {
      const backend = createGpuBackend();
      try {
        return { kernel: backend.kernel };
      } finally {
        backend.dispose();
      }
    });
  },
  auto() {
    return attempt(() => {
      const choice = autoBackend();
      return { name: choice.name, kernel: choice.kernel, reason: choice.reason };
    });
  },
  crossOriginIsolated: (globalThis as Record<string, unknown>).crossOriginIsolated === true,
};

(globalThis as Record<string, unknown>).nablaGpu = api;
(globalThis as Record<string, unknown>).nablaGpuReady = true;

export type BrowserApi = typeof api;
