/// <reference types="node" />
/**
 * The body of one kernel thread started by `enableThreads`: it says it is ready, then runs every
 * job the parallel cpu backend posts (see cpu/kernelJob.ts). A failing job is reported through its
 * control slot by `runKernelJob` and logged here; the thread stays up for the next one.
 */
import { parentPort } from 'node:worker_threads';
import { type KernelJob, runKernelJob } from '../cpu/kernelJob.js';

const port = parentPort;
if (!port) throw new Error('kernel-worker: must run in a worker_threads Worker');
port.on('message', (job: KernelJob) => {
  try {
    runKernelJob(job);
  } catch (e) {
    // The waiting thread already saw status 2 and throws its own error; keep the reason visible.
    console.error(`nabla kernel thread: ${(e as Error).stack ?? String(e)}`);
  }
});
port.postMessage('ready');
