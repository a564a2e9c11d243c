import type { ChannelEpilogue, Conv2dGeometry, FloatArray, Pool2dGeometry } from '../backend.js';
import { conv2dBackwardFilterCpu, conv2dBackwardInputCpu, conv2dCpu } from './conv2d.js';
import { matmulRowsCpu } from './matmul.js';
import { maxPool2dCpu } from './pool.js';
import {
  conv2dBackwardFilterWasm,
  conv2dBackwardInputWasm,
  conv2dWasm,
  matmulRowsWasm,
} from '../wasm/kernels.js';

/**
 * One thread's share of a kernel, as posted to a worker by the parallel cpu backend. The operands
 * live in `buffer` (a SharedArrayBuffer) at the given element offsets; the worker writes its result
 * there, then sets `control[slot]` to 1 (or 2 on failure) and wakes the waiting thread.
 * Everything here is plain data, so it crosses `postMessage` (Web Worker or worker_threads) as is.
 */
export type KernelJob =
  | (JobBase & {
      /** Which kernel runs. */
      kernel: 'matmul';
      /** Rows of op(A) and of the result. */
      m: number;
      /** The inner dimension. */
      k: number;
      /** Columns of op(B) and of the result. */
      n: number;
      /** A is stored transposed. */
      transA: boolean;
      /** B is stored transposed. */
      transB: boolean;
      /** The rows [start, end) of the result this job computes. */
      rows: [number, number];
    })
  | (JobBase & {
      /** Which kernel runs. */
      kernel: 'conv2d' | 'conv2dBackwardInput' | 'conv2dBackwardFilter';
      /** The convolution's geometry (this job's share of the batch or channels). */
      geometry: Conv2dGeometry;
      /** conv2d only: the fused bias / folded batch norm / ReLU (a few numbers per channel, cloned). */
      epilogue?: ChannelEpilogue;
    })
  | (JobBase & {
      /** The result array holds the pooled values, then as many argmax indices stored as int32. */
      kernel: 'maxPool2d';
      /** The pooling geometry (this job's share of the batch). */
      geometry: Pool2dGeometry;
    });

/** A float typed-array constructor over a (shared) buffer. */
export type SharedView = {
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): FloatArray;
  BYTES_PER_ELEMENT: number;
};

interface JobBase {
  buffer: SharedArrayBuffer;
  control: Int32Array;
  slot: number;
  float64: boolean;
  /**
   * Whose kernels run the share: the TypeScript ones, or the wasm backend's on this thread's own
   * instance (float32 only). Absent means 'cpu'.
   */
  kernels?: 'cpu' | 'wasm';
  /**
   * [offset, length] in elements of the kernel's arrays, in the Backend method's order: its inputs,
   * then its result (matmul and the convolutions: two inputs; max pooling: one).
   */
  arrays: [number, number][];
}

/** Runs a job on this thread and signals its slot: the whole body of a kernel worker. */
export function runKernelJob(job: KernelJob): void {
  let status = 1;
  try {
    const Ctor: SharedView = job.float64 ? Float64Array : Float32Array;
    const [p, q, r] = job.arrays.map(([o, n]) => new Ctor(job.buffer, o * Ctor.BYTES_PER_ELEMENT, n)) as [
      FloatArray,
      FloatArray,
      FloatArray?,
    ];
    if (job.kernels === 'wasm' && !job.float64 && job.kernel !== 'maxPool2d') {
      runWasm(job, p as Float32Array, q as Float32Array, r as Float32Array);
      return;
    }
    switch (job.kernel) {
      case 'matmul':
        matmulRowsCpu(p, q, r!, job.m, job.k, job.n, job.transA, job.transB, job.rows[0], job.rows[1]);
        break;
      case 'conv2d':
        conv2dCpu(p, q, r!, job.geometry, job.epilogue);
        break;
      case 'conv2dBackwardInput':
        conv2dBackwardInputCpu(p, q, r!, job.geometry);
        break;
      case 'conv2dBackwardFilter':
        conv2dBackwardFilterCpu(p, q, r!, job.geometry);
        break;
      case 'maxPool2d': {
        // Here q is the result: the values in its first half, the indices' bytes in its second.
        const half = q.length / 2;
        const argmax = new Int32Array(q.buffer, q.byteOffset + half * q.BYTES_PER_ELEMENT, half);
        maxPool2dCpu(p, q.subarray(0, half) as FloatArray, argmax, job.geometry);
        break;
      }
    }
  } catch (e) {
    status = 2;
    throw e;
  } finally {
    Atomics.store(job.control, job.slot, status);
    Atomics.notify(job.control, job.slot);
  }
}

/** The wasm backend's share of a matmul or convolution (float32), on this thread's instance. */
function runWasm(job: KernelJob, p: Float32Array, q: Float32Array, r: Float32Array): void {
  switch (job.kernel) {
    case 'matmul':
      matmulRowsWasm(p, q, r, job.m, job.k, job.n, job.transA, job.transB, job.rows[0], job.rows[1]);
      break;
    case 'conv2d':
      conv2dWasm(p, q, r, job.geometry, job.epilogue);
      break;
    case 'conv2dBackwardInput':
      conv2dBackwardInputWasm(p, q, r, job.geometry);
      break;
    case 'conv2dBackwardFilter':
      conv2dBackwardFilterWasm(p, q, r, job.geometry);
      break;
  }
}
