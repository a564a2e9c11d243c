/// <reference types="node" />
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { type Backend, getBackend, registerBackend, setBackend } from '../backend.js';
import { ValueError } from '../errors.js';
import { createParallelCpuBackend, type ParallelOptions } from '../cpu/parallel.js';

export interface ThreadOptions extends ParallelOptions {
  /** Threads that compute, the calling one included (default: the machine's available parallelism). 1 turns threads off. */
  threads?: number;
}

/** The backend threads were enabled over ('cpu' or 'wasm'), restored by disableThreads. */
let underlying: 'cpu' | 'wasm' = 'cpu';

/** The name the threaded cpu backend is registered under. */
export const THREADED_BACKEND = 'cpu-threads';

let workers: Worker[] = [];

/**
 * A kernel thread running kernel-worker, which lives next to this module: kernel-worker.js in
 * dist/ (plain node, started with no flags: the caller's own, such as `--test` or `--cpu-prof`, are
 * not meant for kernel threads) or kernel-worker.ts in src/ when running from the sources (tsx,
 * `--conditions=source`). Node 20 runs no ESM loader hooks in workers, so from the sources the
 * thread registers tsx's require hook (resolved from this package, a dev dependency) and requires
 * the entry, which tsx compiles on the way in.
 */
function spawnWorker(): Worker {
  const name = 'nabla-kernels';
  if (!import.meta.url.endsWith('.ts'))
    return new Worker(new URL('./kernel-worker.js', import.meta.url), { execArgv: [], name });
  const require = createRequire(import.meta.url);
  const entry = fileURLToPath(new URL('./kernel-worker.ts', import.meta.url));
  const boot = `require(${JSON.stringify(require.resolve('tsx/cjs/api'))}).register(); require(${JSON.stringify(entry)});`;
  return new Worker(boot, { eval: true, execArgv: [], name });
}

/** Starts one kernel thread and resolves once its entry module has loaded and said 'ready'. */
function startWorker(): Promise<Worker> {
  const worker = spawnWorker();
  return new Promise((resolve, reject) => {
    const onError = (e: Error) =>
      reject(new ValueError('enableThreads', `a kernel thread failed to start: ${e.message}`));
    const onExit = (code: number) =>
      reject(new ValueError('enableThreads', `a kernel thread exited with code ${code} while starting`));
    worker.once('error', onError);
    worker.once('exit', onExit);
    worker.once('message', (m: unknown) => {
      worker.off('error', onError);
      worker.off('exit', onExit);
      if (m !== 'ready') reject(new ValueError('enableThreads', `unexpected first message ${String(m)}`));
      // Idle kernel threads must not keep the process alive once the work is done.
      worker.unref();
      resolve(worker);
    });
  });
}

/**
 * Spreads matmul and the convolutions over `threads` threads: this one and `threads − 1`
 * worker_threads, via the parallel backend (SharedArrayBuffer + Atomics; see cpu/parallel.ts) over
 * the wasm kernels (each thread with its own instance) when the backend in use is wasm or
 * `kernels: 'wasm'` is asked for, else the TypeScript ones; registered as 'cpu-threads' and selected. Results are deterministic for a given thread count
 * (bit-identical to one thread for matmul and the forward convolution; the two convolution
 * gradients round differently, see parallel.ts). Calling it again replaces the threads; `threads: 1`
 * is `disableThreads()`. Resolves to the backend now in use.
 */
export async function enableThreads(options: ThreadOptions = {}): Promise<Backend> {
  const threads = options.threads ?? availableParallelism();
  if (!Number.isInteger(threads) || threads < 1)
    throw new ValueError('enableThreads', `threads must be a positive integer, got ${threads}`);
  // The kernels to spread: as asked, else those of the backend in use (wasm where it was chosen).
  const kernels = options.kernels ?? (getBackend().name.startsWith('wasm') ? 'wasm' : 'cpu');
  await disableThreads();
  if (threads === 1) return kernels === 'wasm' ? setBackend('wasm') : getBackend();
  const started = await Promise.allSettled(Array.from({ length: threads - 1 }, startWorker));
  const ok = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failed = started.find((s) => s.status === 'rejected');
  if (failed) {
    await Promise.all(ok.map((w) => w.terminate()));
    throw failed.reason;
  }
  workers = ok;
  const { threads: _, ...parallel } = options;
  const backend = createParallelCpuBackend(workers, { ...parallel, kernels });
  underlying = kernels;
  registerBackend(THREADED_BACKEND, () => backend);
  return setBackend(THREADED_BACKEND);
}

/** Back to the single-thread backend threads were enabled over (if the threaded one was selected); stops the kernel threads. */
export async function disableThreads(): Promise<void> {
  if (getBackend().name.endsWith('-parallel')) setBackend(underlying);
  const stopping = workers;
  workers = [];
  await Promise.all(stopping.map((w) => w.terminate()));
}

/** How many threads the kernels run on now (1 when threads are off). */
export function threadCount(): number {
  return getBackend().name.endsWith('-parallel') ? workers.length + 1 : 1;
}
