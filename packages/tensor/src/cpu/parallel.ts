import type { Backend, ChannelEpilogue, Conv2dGeometry, FloatArray, Pool2dGeometry } from '../backend.js';
import { ValueError } from '../errors.js';
import { conv2dBackwardFilterCpu, conv2dBackwardInputCpu, conv2dCpu } from './conv2d.js';
import { createCpuBackend } from './index.js';
import type { KernelJob, SharedView } from './kernelJob.js';
import { matmulRowsCpu } from './matmul.js';
import { maxPool2dCpu } from './pool.js';
import { createWasmBackend } from '../wasm/index.js';
import {
  conv2dBackwardFilterWasm,
  conv2dBackwardInputWasm,
  conv2dWasm,
  matmulRowsWasm,
} from '../wasm/kernels.js';

/**
 * Anything that can receive a job: a Web Worker, a worker_threads Worker, a MessagePort. The worker
 * on the other side calls `runKernelJob(message)` (see kernelJob.ts); wiring that up is the host's
 * business, so the main entry imports no Node built-ins and creates no workers itself. In Node,
 * `enableThreads({ threads })` from `@nabla/tensor/node` does it (worker_threads); in a browser, a
 * bundle starts Web Workers whose entry calls `runKernelJob`.
 */
export interface KernelWorker {
  /** Sends a job (the worker answers with a message of its own). */
  postMessage(message: unknown): void;
}

/** Options of {@link createParallelCpuBackend}. */
export interface ParallelOptions {
  /** Below this many multiply-adds a kernel runs on the calling thread alone (a job costs ~0.1 ms). */
  minWork?: number;
  /** How long to wait for a worker before giving up, in ms. */
  timeoutMs?: number;
  /**
   * Whose kernels every thread runs: the TypeScript ones ('cpu', the default) or the wasm backend's
   * (each thread on its own instance of the module; float64 work stays on the TypeScript kernels).
   */
  kernels?: 'cpu' | 'wasm';
}

/**
 * The cpu backend (or, with `kernels: 'wasm'`, the wasm one) spread over the calling thread and the given workers. Each kernel is cut into
 * independent shares: matmul by rows of the output, the convolutions by images of the batch (whose
 * outputs, input gradients and partial filter gradients never overlap), so no two threads write
 * the same number. The calling thread computes its share in place while each worker computes its
 * own on copies in a shared buffer; it then blocks with Atomics.wait until they finish, so the
 * Backend stays synchronous. Atomics.wait is refused on a browser's main thread: there, run the
 * training itself in a Worker (the usual setup for heavy work).
 *
 * matmul and the forward convolution give bit-identical results to the single-thread backend
 * (each output is the same sum in the same order). The two gradients do not: col2im adds onto
 * float32 pixels in an order that depends on how the windows are cut into column strips, and the
 * filter gradient sums per-share partials. They agree to rounding and are deterministic for a
 * given number of workers.
 */
export function createParallelCpuBackend(
  workers: readonly KernelWorker[],
  options: ParallelOptions = {},
): Backend {
  const useWasm = options.kernels === 'wasm';
  const single = useWasm ? createWasmBackend() : createCpuBackend();
  /** This thread's share of a float32 kernel runs on wasm when the wasm kernels were asked for. */
  const wasmFor = (out: FloatArray) => useWasm && out instanceof Float32Array;
  const minWork = options.minWork ?? 1 << 21;
  // Pooling is a few operations per input: below ~256k inputs the copies and the hand-off cost more than half the work.
  const minPoolInputs = options.minWork === undefined ? 1 << 18 : options.minWork;
  const timeoutMs = options.timeoutMs ?? 60_000;
  const control = new Int32Array(new SharedArrayBuffer(4 * Math.max(1, workers.length)));
  let arena = new SharedArrayBuffer(1 << 16);
  const threads = workers.length + 1;

  /** A shared buffer of at least `bytes`, grown (never shrunk) as needed. */
  const reserve = (bytes: number) => {
    if (arena.byteLength < bytes)
      arena = new SharedArrayBuffer(Math.max(bytes, Math.ceil(arena.byteLength * 1.5)));
    return arena;
  };

  /** Splits [0, total) into `threads` nearly equal ranges. */
  const shares = (total: number): [number, number][] => {
    const out: [number, number][] = [];
    for (let t = 0; t < threads; t++)
      out.push([Math.floor((total * t) / threads), Math.floor((total * (t + 1)) / threads)]);
    return out;
  };

  /**
   * Posts one job per worker (its operands copied into the arena, one after another, then room for
   * its result), runs `own` here, waits, and hands each worker's arena result to `collect`.
   */
  const run = (
    float64: boolean,
    jobs: {
      inputs: readonly FloatArray[];
      outLength: number;
      job: (arrays: KernelJob['arrays']) => KernelJob;
    }[],
    own: () => void,
    collect: (worker: number, result: FloatArray) => void,
  ) => {
    const Ctor: SharedView = float64 ? Float64Array : Float32Array;
    let total = 0;
    for (const j of jobs) for (const a of j.inputs) total += a.length;
    for (const j of jobs) total += j.outLength;
    const buffer = reserve(total * Ctor.BYTES_PER_ELEMENT);
    const views: FloatArray[] = [];
    let at = 0;
    jobs.forEach((j, w) => {
      const arrays: KernelJob['arrays'] = [];
      for (const input of j.inputs) {
        new Ctor(buffer, at * Ctor.BYTES_PER_ELEMENT, input.length).set(input);
        arrays.push([at, input.length]);
        at += input.length;
      }
      arrays.push([at, j.outLength]);
      views.push(new Ctor(buffer, at * Ctor.BYTES_PER_ELEMENT, j.outLength));
      at += j.outLength;
      Atomics.store(control, w, 0);
      workers[w]!.postMessage({ ...j.job(arrays), kernels: useWasm ? 'wasm' : 'cpu' });
    });
    own();
    jobs.forEach((_, w) => {
      // Wait in a loop: a wake-up can be stale. A worker stores its status, then notifies; if this
      // thread saw the status before the notify landed, that late notify wakes the wait for the
      // NEXT job while its slot still reads 0 — which must mean "keep waiting", not "failed".
      const deadline = Date.now() + timeoutMs;
      while (Atomics.load(control, w) === 0) {
        const left = deadline - Date.now();
        if (left <= 0 || Atomics.wait(control, w, 0, left) === 'timed-out') {
          throw new ValueError('parallel cpu', `worker ${w} did not finish within ${timeoutMs} ms`);
        }
      }
      if (Atomics.load(control, w) !== 1) throw new ValueError('parallel cpu', `worker ${w} failed its job`);
      collect(w, views[w]!);
    });
  };

  const base = (float64: boolean, w: number) => ({ buffer: arena, control, slot: w, float64 });

  const matmul: Backend['matmul'] = (a, b, out, m, k, n, transA, transB) => {
    if (m * n * k < minWork || m < 2 * threads) return single.matmul(a, b, out, m, k, n, transA, transB);
    const f64 = out instanceof Float64Array;
    const parts = shares(m);
    run(
      f64,
      workers.map((_, w) => ({
        inputs: [a, b],
        outLength: m * n,
        job: (arrays) => ({
          ...base(f64, w),
          arrays,
          kernel: 'matmul',
          m,
          k,
          n,
          transA,
          transB,
          rows: parts[w + 1]!,
        }),
      })),
      () =>
        wasmFor(out)
          ? matmulRowsWasm(
              a as Float32Array,
              b as Float32Array,
              out as Float32Array,
              m,
              k,
              n,
              transA,
              transB,
              parts[0]![0],
              parts[0]![1],
            )
          : matmulRowsCpu(a, b, out, m, k, n, transA, transB, parts[0]![0], parts[0]![1]),
      (w, result) => {
        const [r0, r1] = parts[w + 1]!;
        out.set(result.subarray(r0 * n, r1 * n), r0 * n);
      },
    );
  };

  /** A convolution split by images: image range [b0, b1) of x-like, y-like arrays per share. */
  const byImages = (
    kernel: 'conv2d' | 'conv2dBackwardInput' | 'conv2dBackwardFilter',
    first: FloatArray,
    second: FloatArray,
    out: FloatArray,
    g: Conv2dGeometry,
    sizes: { first: number; second: number; out: number },
    compute: (p: FloatArray, q: FloatArray, r: FloatArray, g: Conv2dGeometry) => void,
    epilogue?: ChannelEpilogue,
  ) => {
    const f64 = out instanceof Float64Array;
    const parts = shares(g.batch);
    // Per-image sizes of the arrays that are split; 0 marks the filter, which every share reads whole.
    const slice = (arr: FloatArray, per: number, [b0, b1]: [number, number]) =>
      per === 0 ? arr : (arr.subarray(b0 * per, b1 * per) as FloatArray);
    const sub = ([b0, b1]: [number, number]): Conv2dGeometry => ({ ...g, batch: b1 - b0 });
    const filterGrad = kernel === 'conv2dBackwardFilter';
    run(
      f64,
      workers.map((_, w) => {
        const range = parts[w + 1]!;
        return {
          inputs: [slice(first, sizes.first, range), slice(second, sizes.second, range)],
          outLength: filterGrad ? out.length : (range[1] - range[0]) * sizes.out,
          job: (arrays) => ({
            ...base(f64, w),
            arrays,
            kernel,
            geometry: sub(range),
            ...(epilogue ? { epilogue } : {}),
          }),
        };
      }),
      () =>
        compute(
          slice(first, sizes.first, parts[0]!),
          slice(second, sizes.second, parts[0]!),
          filterGrad ? out : slice(out, sizes.out, parts[0]!),
          sub(parts[0]!),
        ),
      (w, result) => {
        if (filterGrad) for (let i = 0; i < out.length; i++) out[i]! += result[i]!;
        else out.set(result, parts[w + 1]![0] * sizes.out);
      },
    );
  };

  const convWork = (g: Conv2dGeometry) =>
    (g.batch * g.outChannels * g.outHeight * g.outWidth * g.inChannels * g.kernelHeight * g.kernelWidth) /
    g.groups;
  const imageIn = (g: Conv2dGeometry) => g.inChannels * g.inHeight * g.inWidth;
  const imageOut = (g: Conv2dGeometry) => g.outChannels * g.outHeight * g.outWidth;

  /**
   * Max pooling split by images. Each worker pools its images from a copy and reports argmax
   * indices into that copy, so they are shifted by the share's first input element when collected.
   */
  const maxPool2d: Backend['maxPool2d'] = (x, out, argmax, g) => {
    const planeIn = g.channels * g.inHeight * g.inWidth;
    const planeOut = g.channels * g.outHeight * g.outWidth;
    if (g.batch * planeIn < minPoolInputs || g.batch < threads) return single.maxPool2d(x, out, argmax, g);
    const f64 = out instanceof Float64Array;
    const parts = shares(g.batch);
    const sub = ([b0, b1]: [number, number]): Pool2dGeometry => ({ ...g, batch: b1 - b0 });
    run(
      f64,
      workers.map((_, w) => {
        const [b0, b1] = parts[w + 1]!;
        return {
          inputs: [x.subarray(b0 * planeIn, b1 * planeIn) as FloatArray],
          // The values, then as many int32 indices (half of a float64 slot is left over, unused).
          outLength: 2 * (b1 - b0) * planeOut,
          job: (arrays) => ({ ...base(f64, w), arrays, kernel: 'maxPool2d', geometry: sub(parts[w + 1]!) }),
        };
      }),
      () => {
        const [b0, b1] = parts[0]!;
        maxPool2dCpu(
          x.subarray(b0 * planeIn, b1 * planeIn) as FloatArray,
          out.subarray(b0 * planeOut, b1 * planeOut) as FloatArray,
          argmax.subarray(b0 * planeOut, b1 * planeOut),
          sub(parts[0]!),
        );
      },
      (w, result) => {
        const [b0, b1] = parts[w + 1]!;
        const count = (b1 - b0) * planeOut;
        out.set(result.subarray(0, count), b0 * planeOut);
        const indices = new Int32Array(
          result.buffer,
          result.byteOffset + count * result.BYTES_PER_ELEMENT,
          count,
        );
        const shift = b0 * planeIn;
        for (let i = 0, o = b0 * planeOut; i < count; i++, o++) {
          const at = indices[i]!;
          argmax[o] = at < 0 ? at : at + shift;
        }
      },
    );
  };

  return {
    ...single,
    name: `${single.name}-parallel`,
    maxPool2d,
    kernel: `${single.kernel} on ${threads} threads`,
    matmul,
    conv2d: (x, w, out, g) => {
      if (convWork(g) < minWork || g.batch < threads) return single.conv2d(x, w, out, g);
      byImages('conv2d', x, w, out, g, { first: imageIn(g), second: 0, out: imageOut(g) }, (p, q, r, sub) =>
        wasmFor(r)
          ? conv2dWasm(p as Float32Array, q as Float32Array, r as Float32Array, sub)
          : conv2dCpu(p, q, r, sub),
      );
    },
    fusedConv2d: (x, w, out, g, epilogue) => {
      if (convWork(g) < minWork || g.batch < threads) return single.fusedConv2d!(x, w, out, g, epilogue);
      byImages(
        'conv2d',
        x,
        w,
        out,
        g,
        { first: imageIn(g), second: 0, out: imageOut(g) },
        (p, q, r, sub) => {
          if (!wasmFor(r)) return conv2dCpu(p, q, r, sub, epilogue);
          conv2dWasm(p as Float32Array, q as Float32Array, r as Float32Array, sub, epilogue);
        },
        epilogue,
      );
    },
    conv2dBackwardInput: (dy, w, dx, g) => {
      if (convWork(g) < minWork || g.batch < threads) return single.conv2dBackwardInput(dy, w, dx, g);
      byImages(
        'conv2dBackwardInput',
        dy,
        w,
        dx,
        g,
        { first: imageOut(g), second: 0, out: imageIn(g) },
        (p, q, r, sub) =>
          wasmFor(r)
            ? conv2dBackwardInputWasm(p as Float32Array, q as Float32Array, r as Float32Array, sub)
            : conv2dBackwardInputCpu(p, q, r, sub),
      );
    },
    conv2dBackwardFilter: (x, dy, dw, g) => {
      if (convWork(g) < minWork || g.batch < threads) return single.conv2dBackwardFilter(x, dy, dw, g);
      byImages(
        'conv2dBackwardFilter',
        x,
        dy,
        dw,
        g,
        { first: imageIn(g), second: imageOut(g), out: 0 },
        (p, q, r, sub) =>
          wasmFor(r)
            ? conv2dBackwardFilterWasm(p as Float32Array, q as Float32Array, r as Float32Array, sub)
            : conv2dBackwardFilterCpu(p, q, r, sub),
      );
    },
  };
}
