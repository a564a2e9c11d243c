// A type only: the package itself is imported on demand, so the cpu path never loads gpu.js.
import type { AutoChoice } from '@nabla/gpu';
import { registerBackend, setBackend } from '@nabla/tensor';
import { disableThreads, enableThreads } from '@nabla/tensor/node';
import { UserError } from './user-error.js';

export type BackendFlag = 'cpu' | 'gpu' | 'auto';

export interface BackendChoice {
  /** What runs: 'cpu' (the TypeScript reference) or 'gpu' (gpu.js kernels). */
  name: 'cpu' | 'gpu';
  /** The kernel class that runs ('TypeScript', 'WebGL2Kernel', …). */
  kernel: string;
  /** Why, in a sentence (printed for 'auto', and kept in metrics.json). */
  reason: string;
}

/**
 * Selects the backend every kernel runs on. 'cpu' is the reference. 'gpu' and 'auto' load the
 * optional @nabla/gpu, which probes whether gpu.js runs on a real GL context: 'auto' falls back
 * to the cpu and says why; 'gpu' refuses (a user error) rather than run a CPU fallback silently.
 */
export async function chooseBackend(flag: BackendFlag, threads = 1): Promise<BackendChoice> {
  const cpu = async (reason: string, kernel = 'TypeScript'): Promise<BackendChoice> => {
    if (threads > 1) {
      // Both cores: matmul and convolution split over worker threads (deterministic for a given count).
      await enableThreads({ threads });
      return { name: 'cpu', kernel: `${kernel} on ${threads} threads`, reason };
    }
    await disableThreads();
    setBackend('cpu');
    return { name: 'cpu', kernel, reason };
  };
  if (flag === 'cpu') return cpu('asked for with --backend cpu');
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
    return cpu(why);
  }
  if (choice.name !== 'gpu') {
    if (flag === 'gpu')
      throw new UserError(`--backend gpu: no usable GPU: ${choice.reason} (use --backend cpu or auto)`);
    return cpu(choice.reason, choice.kernel);
  }
  const backend = choice.backend;
  registerBackend('gpu', () => backend);
  setBackend('gpu');
  return { name: 'gpu', kernel: choice.kernel, reason: choice.reason };
}
