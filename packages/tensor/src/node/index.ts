/// <reference types="node" />
/** @nabla/tensor/node — the Node-only parts: the cpu kernels on several threads (worker_threads). */
export {
  disableThreads,
  enableThreads,
  THREADED_BACKEND,
  type ThreadOptions,
  threadCount,
} from './threads.js';
