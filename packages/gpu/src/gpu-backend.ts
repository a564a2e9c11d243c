import {
  type Backend,
  createCpuBackend,
  type FloatArray,
  type Pool2dGeometry,
  ValueError,
} from '@nabla/tensor';
import { GPU } from 'gpu.js';
import { GpuFallbackError } from './errors.js';
import { GPU_KERNEL_CLASSES, isGpuKernelClass, kernelClassOf } from './kernel-class.js';
import { conv2dKernel } from './kernels/conv2d.js';
import { conv2dBackwardFilterKernel } from './kernels/conv2d-backward-filter.js';
import { conv2dBackwardInputKernel } from './kernels/conv2d-backward-input.js';
import { convConstants, convKey } from './kernels/conv-constants.js';
import { matmulConstants, matmulKernel } from './kernels/matmul.js';

/**
 * Which gpu.js backend to ask for. 'gpu' lets gpu.js choose (headless-gl, then WebGL2, WebGL,
 * then its WebAssembly fallback); the others pin one. 'wasm' is an alias of gpu.js's 'webasm'.
 * 'webgpu' is refused: WebGPU reads results back only asynchronously, and Backend kernels are
 * synchronous.
 */
export type GpuMode = 'gpu' | 'webgl2' | 'webgl' | 'headlessgl' | 'webgpu' | 'webasm' | 'wasm' | 'cpu';

export interface GpuBackendOptions {
  /** The gpu.js mode; default 'gpu'. */
  mode?: GpuMode;
  /** Refuse any kernel that gpu.js runs on a CPU fallback (WebAssemblyKernel, CPUKernel). Default false. */
  strict?: boolean;
}

/** Where each primitive of the Backend interface runs in this backend. */
export interface Placement {
  readonly matmul: 'gpu.js';
  readonly conv2d: 'gpu.js';
  readonly conv2dBackwardInput: 'gpu.js';
  readonly conv2dBackwardFilter: 'gpu.js';
  /** Pooling is a cheap gather/scatter, not worth a device round trip: the cpu backend runs it. */
  readonly maxPool2d: 'cpu';
  readonly maxPool2dBackward: 'cpu';
  readonly avgPool2d: 'cpu';
  readonly avgPool2dBackward: 'cpu';
  /** backendFor() routes float64 work to the cpu backend: gpu.js computes in float32 only. */
  readonly float64: 'cpu';
}

export const GPU_PLACEMENT: Placement = {
  matmul: 'gpu.js',
  conv2d: 'gpu.js',
  conv2dBackwardInput: 'gpu.js',
  conv2dBackwardFilter: 'gpu.js',
  maxPool2d: 'cpu',
  maxPool2dBackward: 'cpu',
  avgPool2d: 'cpu',
  avgPool2dBackward: 'cpu',
  float64: 'cpu',
};

export interface GpuBackend extends Backend {
  readonly name: 'gpu';
  /** The gpu.js kernel class(es) that really ran, joined by '+' when gpu.js fell back for some kernel. */
  readonly kernel: string;
  /** Every kernel class that has run so far, in order of first use. */
  readonly kernelClasses: readonly string[];
  /** The mode gpu.js was asked for. */
  readonly mode: GpuMode;
  readonly strict: boolean;
  readonly placement: Placement;
  /** Compiled kernels held (one per op and shape). No texture outlives a call: every kernel reads its result back. */
  memory(): { kernels: number };
  /** Destroys every compiled kernel and the gpu.js instance (its GL context). */
  dispose(): void;
}

type RunShortcut = ((...args: Float32Array[]) => unknown) & {
  kernel: unknown;
  destroy?: (removeCanvasReferences?: boolean) => void;
};

type KernelSource = (this: never, ...args: Float32Array[]) => number;

const GPU_JS_MODE: Record<Exclude<GpuMode, 'webgpu' | 'wasm'>, string> = {
  gpu: 'gpu',
  webgl2: 'webgl2',
  webgl: 'webgl',
  headlessgl: 'headlessgl',
  webasm: 'webasm',
  cpu: 'cpu',
};

/**
 * A Backend whose matmul and convolutions are gpu.js kernels (float32). Kernels are compiled once
 * per op and shape and cached. On creation a small matmul probe compiles and runs, so `kernel`
 * reports the class gpu.js really chose before any real work, and a strict backend refuses a
 * fallback at once (from `setBackend('gpu')`) rather than in the middle of training.
 */
export function createGpuBackend(options: GpuBackendOptions = {}): GpuBackend {
  const mode: GpuMode = options.mode ?? 'gpu';
  const strict = options.strict ?? false;
  if (mode === 'webgpu') {
    throw new ValueError(
      'createGpuBackend',
      "mode 'webgpu' needs asynchronous readback, but Backend kernels are synchronous; use 'webgl2' or 'gpu'",
    );
  }
  const gpuJsMode = GPU_JS_MODE[mode === 'wasm' ? 'webasm' : mode];
  if (!gpuJsMode)
    throw new ValueError(
      'createGpuBackend',
      `unknown mode '${String(mode)}'; expected one of ${Object.keys(GPU_JS_MODE).join(', ')}, wasm`,
    );
  if (strict && (gpuJsMode === 'webasm' || gpuJsMode === 'cpu')) {
    throw new GpuFallbackError(
      'createGpuBackend',
      GPU_KERNEL_CLASSES,
      gpuJsMode,
      `strict mode cannot ask for the CPU mode '${mode}'`,
    );
  }

  let gpu: GPU;
  try {
    gpu = new GPU({ mode: gpuJsMode as never });
  } catch (e) {
    throw new ValueError(
      'createGpuBackend',
      `gpu.js cannot run mode '${mode}' here: ${(e as Error).message}`,
    );
  }
  const cpu = createCpuBackend();
  const kernels = new Map<string, RunShortcut>();
  const classes: string[] = [];

  function compile(key: string, source: KernelSource, size: number, constants: object): RunShortcut {
    let k = kernels.get(key);
    if (!k) {
      k = gpu.createKernel(source as never, {
        output: [size],
        constants,
        // Full float32 textures in and out (not 8-bit packed), and highp arithmetic in the shader.
        precision: 'single',
        tactic: 'precision',
      }) as unknown as RunShortcut;
      kernels.set(key, k);
    }
    return k;
  }

  /** Notes (and in strict mode vets) the class gpu.js actually ran a kernel with: it may have swapped it. */
  function record(op: string, k: RunShortcut): void {
    const cls = kernelClassOf(k);
    if (!classes.includes(cls)) classes.push(cls);
    if (strict && !isGpuKernelClass(cls)) {
      const reason = (k.kernel as { fallbackReason?: string } | null)?.fallbackReason;
      throw new GpuFallbackError(op, GPU_KERNEL_CLASSES, cls, reason ?? 'gpu.js fell back silently');
    }
  }

  function run(op: string, k: RunShortcut, args: Float32Array[]): Float32Array {
    let result: unknown;
    try {
      result = k(...args);
    } catch (e) {
      record(op, k);
      throw e;
    }
    record(op, k);
    return result instanceof Float32Array ? result : Float32Array.from(result as ArrayLike<number>);
  }

  function f32(a: FloatArray): Float32Array {
    return a instanceof Float32Array ? a : Float32Array.from(a);
  }

  const backend: GpuBackend = {
    name: 'gpu',
    get kernel() {
      return classes.length ? classes.join('+') : 'none';
    },
    get kernelClasses() {
      return classes.slice();
    },
    mode,
    strict,
    placement: GPU_PLACEMENT,
    supportsFloat64: false,

    matmul(a, b, out, m, k, n, transA, transB) {
      if (out instanceof Float64Array) return cpu.matmul(a, b, out, m, k, n, transA, transB);
      const key = `matmul:${m},${k},${n},${transA ? 'T' : 'N'}${transB ? 'T' : 'N'}`;
      const kern = compile(
        key,
        matmulKernel as KernelSource,
        m * n,
        matmulConstants(m, k, n, transA, transB),
      );
      out.set(run('matmul', kern, [f32(a), f32(b)]).subarray(0, m * n));
    },

    conv2d(x, w, out, g) {
      if (out instanceof Float64Array) return cpu.conv2d(x, w, out, g);
      const size = g.batch * g.outChannels * g.outHeight * g.outWidth;
      const kern = compile(convKey('conv2d', g), conv2dKernel as KernelSource, size, convConstants(g));
      // Plain sums: a bias, a folded batch norm or a ReLU runs as the default composition (no fusedConv2d).
      out.set(run('conv2d', kern, [f32(x), f32(w)]).subarray(0, size));
    },

    conv2dBackwardInput(dy, w, dx, g) {
      if (dx instanceof Float64Array) return cpu.conv2dBackwardInput(dy, w, dx, g);
      const size = g.batch * g.inChannels * g.inHeight * g.inWidth;
      const kern = compile(
        convKey('conv2dBackwardInput', g),
        conv2dBackwardInputKernel as KernelSource,
        size,
        convConstants(g),
      );
      dx.set(run('conv2dBackwardInput', kern, [f32(dy), f32(w)]).subarray(0, size));
    },

    conv2dBackwardFilter(x, dy, dw, g) {
      if (dw instanceof Float64Array) return cpu.conv2dBackwardFilter(x, dy, dw, g);
      const perImage = (g.outChannels * g.inChannels * g.kernelHeight * g.kernelWidth) / g.groups;
      const kern = compile(
        convKey('conv2dBackwardFilter', g),
        conv2dBackwardFilterKernel as KernelSource,
        g.batch * perImage,
        convConstants(g),
      );
      const partials = run('conv2dBackwardFilter', kern, [f32(x), f32(dy)]);
      // dW = Σ_n partial_n: the batch sum, in image order as the cpu backend adds it.
      dw.fill(0);
      for (let n = 0; n < g.batch; n++) {
        const o = n * perImage;
        for (let i = 0; i < perImage; i++) dw[i]! += partials[o + i]!;
      }
    },

    maxPool2d(x: FloatArray, out: FloatArray, argmax: Int32Array, g: Pool2dGeometry) {
      cpu.maxPool2d(x, out, argmax, g);
    },
    maxPool2dBackward(dy: FloatArray, argmax: Int32Array, dx: FloatArray, g: Pool2dGeometry) {
      cpu.maxPool2dBackward(dy, argmax, dx, g);
    },
    avgPool2d(x: FloatArray, out: FloatArray, g: Pool2dGeometry, countIncludePad: boolean) {
      cpu.avgPool2d(x, out, g, countIncludePad);
    },
    avgPool2dBackward(dy: FloatArray, dx: FloatArray, g: Pool2dGeometry, countIncludePad: boolean) {
      cpu.avgPool2dBackward(dy, dx, g, countIncludePad);
    },

    memory() {
      return { kernels: kernels.size };
    },
    dispose() {
      for (const k of kernels.values()) k.destroy?.(true);
      kernels.clear();
      gpu.destroy();
    },
  };

  probe(backend);
  return backend;
}

/**
 * Compiles and runs a 2×3 · 3×2 matmul of small integers (exact in float32), so the kernel class
 * is known, and a context that compiles but computes garbage (no float textures) is caught now.
 */
function probe(backend: GpuBackend): void {
  const a = Float32Array.of(1, 2, 3, 4, 5, 6);
  const b = Float32Array.of(1, -1, 0, 2, 3, 1);
  const out = new Float32Array(4);
  backend.matmul(a, b, out, 2, 3, 2, false, false);
  const expected = [10, 6, 22, 12];
  if (out.some((v, i) => v !== expected[i])) {
    backend.dispose();
    throw new ValueError(
      'createGpuBackend',
      `the ${backend.kernel} probe matmul computed [${[...out].join(',')}], expected [${expected.join(',')}]`,
    );
  }
}
