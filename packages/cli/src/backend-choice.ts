// A type only: the package itself is imported on demand, so the cpu path never loads gpu.js.
import type { AutoChoice } from '@nabla/gpu';
import { registerBackend, setBackend, wasmSimdSupport } from '@nabla/tensor';
import { disableThreads, enableThreads } from '@nabla/tensor/node';
import { UserError } from './user-error.js';

export type BackendFlag = 'cpu' | 'wasm' | 'gpu' | 'auto';

export interface BackendChoice {
  /** What runs: 'wasm' (WebAssembly SIMD kernels), 'cpu' (the TypeScript kernels) or 'gpu' (gpu.js kernels). */
  name: 'cpu' | 'wasm' | 'gpu';
  /** The kernels that run ('WebAssembly SIMD … on 2 threads', 'TypeScript', 'WebGL2Kernel', …). */
  kernel: string;
  /** Why, in a sentence (printed, and kept in metrics.json). */
  reason: string;
}

/**
 * Selects the backend every kernel runs on. 'wasm' (the default) runs the WebAssembly SIMD kernels
 * where the host has 128-bit SIMD; left at its default it falls back to the TypeScript kernels and
 * says why, asked for explicitly it refuses instead. 'cpu' is the TypeScript kernels. 'gpu' and
 * 'auto' load the optional @nabla/gpu, which probes whether gpu.js runs on a real GL context:
 * 'auto' falls back to wasm (or cpu) and says why; 'gpu' refuses (a user error) rather than run a
 * fallback silently. With threads > 1 the wasm or cpu kernels are split over worker threads
 * (deterministic for a given count).
 */
export async function chooseBackend(flag: BackendFlag, threads = 1, explicit = true): Promise<BackendChoice> {
  const onCpu = async (name: 'cpu' | 'wasm', reason: string): Promise<BackendChoice> => {
    setBackend(name);
    if (threads > 1) {
      const b = await enableThreads({ threads, kernels: name });
      return { name, kernel: b.kernel, reason };
    }
    await disableThreads();
    return { name, kernel: setBackend(name).kernel, reason };
  };
  /** The best CPU kernels here: wasm where SIMD validates and the module starts, else TypeScript, with why. */
  const bestCpu = async (why: string): Promise<BackendChoice> => {
    const simd = wasmSimdSupport();
    if (!simd.ok) return onCpu('cpu', `${why}${simd.reason}; the TypeScript kernels run`);
    try {
      return await onCpu('wasm', `${why}${simd.reason}`);
    } catch (e) {
      return onCpu(
        'cpu',
        `${why}the wasm kernels failed to start (${(e as Error).message}); the TypeScript kernels run`,
      );
    }
  };
  if (flag === 'cpu') return onCpu('cpu', 'asked for with --backend cpu');
  if (flag === 'wasm') {
    if (!explicit) return bestCpu('the default: ');
    const simd = wasmSimdSupport();
    if (!simd.ok) throw new UserError(`--backend wasm: ${simd.reason} (use --backend cpu)`);
    return onCpu('wasm', `asked for with --backend wasm; ${simd.reason}`);
  }
  let choice: AutoChoice;
  try {
    const gpu = await import('@nabla/gpu');
    choice = gpu.autoBackend();
  } catch (e) {
    // @nabla/gpu is an optional peer of the CLI (gpu.js pulls in ~100 MB of native GL/WebGPU).
    const missing = (e as { code?: string }).code === 'ERR_MODULE_NOT_FOUND';
    const why = missing
      ? '@nabla/gpu is not installed (npm install @nabla/gpu to use gpu.js)'
      : `@nabla/gpu could not be loaded: ${(e as Error).message.split('\n')[0]}`;
    if (flag === 'gpu') throw new UserError(`--backend gpu: ${why}`);
    return bestCpu(`${why}; `);
  }
  if (choice.name !== 'gpu') {
    if (flag === 'gpu')
      throw new UserError(`--backend gpu: no usable GPU: ${choice.reason} (use --backend cpu or auto)`);
    return bestCpu(`${choice.reason}; `);
  }
  const backend = choice.backend;
  registerBackend('gpu', () => backend);
  setBackend('gpu');
  return { name: 'gpu', kernel: choice.kernel, reason: choice.reason };
}
