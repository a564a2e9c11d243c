import { KERNELS_WASM_BASE64 } from './kernel-bytes.js';

/**
 * The little of the WebAssembly JS API used here, typed locally: the package compiles against
 * ES2022 alone (no DOM or Node typings), and the API is the same global in Node and browsers.
 */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
/** An opaque compiled module. */
export type WasmModule = object;
interface WasmApi {
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: object) => { exports: Record<string, unknown> };
  validate(bytes: Uint8Array): boolean;
}

/** The WebAssembly global, or undefined where the host has none. */
export function wasmApi(): WasmApi | undefined {
  return (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
}

/** The exports of the AssemblyScript kernels (assembly/index.ts); pointers are byte addresses. */
export interface KernelExports {
  memory: WasmMemory;
  heapBase(): number;
  gemmScratchBytes(): number;
  gemm(
    m: number,
    n: number,
    k: number,
    a: number,
    ais: number,
    aps: number,
    b: number,
    bps: number,
    bjs: number,
    c: number,
    ldc: number,
    accumulate: number,
    scratch: number,
  ): void;
  setGeometry(...g: number[]): void;
  colsBytes(): number;
  maxPool2d(
    x: number,
    y: number,
    argmax: number,
    planes: number,
    H: number,
    W: number,
    KH: number,
    KW: number,
    SH: number,
    SW: number,
    PH: number,
    PW: number,
    HO: number,
    WO: number,
  ): void;
  relu(x: number, y: number, n: number): void;
  reluBackward(dy: number, x: number, dx: number, n: number): void;
  sumChannels(x: number, batch: number, channels: number, plane: number, out: number): void;
  batchNormStatistics(
    x: number,
    batch: number,
    channels: number,
    plane: number,
    mean: number,
    variance: number,
  ): void;
  batchNormForward(
    x: number,
    out: number,
    batch: number,
    channels: number,
    plane: number,
    mean: number,
    scale: number,
    shift: number,
  ): void;
  batchNormBackwardSums(
    dy: number,
    x: number,
    batch: number,
    channels: number,
    plane: number,
    mean: number,
    sumDy: number,
    sumDyXc: number,
  ): void;
  batchNormBackwardInput(
    dy: number,
    x: number,
    dx: number,
    batch: number,
    channels: number,
    plane: number,
    mean: number,
    a: number,
    b: number,
    t: number,
  ): void;
  channelAffine(
    y: number,
    batch: number,
    channels: number,
    plane: number,
    scale: number,
    shift: number,
    relu: number,
  ): void;
  conv2dForward(
    x: number,
    w: number,
    out: number,
    n0: number,
    n1: number,
    cols: number,
    scratch: number,
  ): void;
  conv2dBackwardInput(
    dy: number,
    w: number,
    dx: number,
    n0: number,
    n1: number,
    cols: number,
    scratch: number,
  ): void;
  conv2dBackwardFilter(
    x: number,
    dy: number,
    dw: number,
    n0: number,
    n1: number,
    cols: number,
    scratch: number,
  ): void;
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Base64 to bytes, here rather than atob/Buffer so the same code runs in Node and browsers with no globals. */
export function decodeBase64(text: string): Uint8Array {
  const value = new Int8Array(128).fill(-1);
  for (let i = 0; i < ALPHABET.length; i++) value[ALPHABET.charCodeAt(i)] = i;
  const clean = text.replace(/=+$/, '');
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let bits = 0;
  let acc = 0;
  let o = 0;
  for (let i = 0; i < clean.length; i++) {
    const v = value[clean.charCodeAt(i)]!;
    if (v < 0) throw new Error(`decodeBase64: bad character at ${i}`);
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  return out;
}

let compiled: WasmModule | null = null;

/** The compiled kernel module, shared by every instance on this thread (compiled once, synchronously). */
export function kernelModule(): WasmModule {
  const api = wasmApi();
  if (!api) throw new Error('wasm backend: this host has no WebAssembly');
  if (!compiled) compiled = new api.Module(decodeBase64(KERNELS_WASM_BASE64));
  return compiled;
}

const ALIGN = 64;
const PAGE = 65536;

/**
 * One instance of the kernels and its linear memory, used as a grow-only arena: each kernel call
 * lays out its operands from `heapBase` on (copied in), runs, and copies its result out. The
 * memory is never shrunk (a training step reuses the same pages every time), and is not shared:
 * each thread has its own instance (see parallel.ts).
 */
export class KernelInstance {
  readonly exports: KernelExports;
  private f32: Float32Array;
  private top = 0;
  private readonly base: number;

  constructor() {
    const instance = new (wasmApi()!.Instance)(kernelModule(), {});
    this.exports = instance.exports as unknown as KernelExports;
    this.base = Math.ceil(this.exports.heapBase() / ALIGN) * ALIGN;
    this.f32 = new Float32Array(this.exports.memory.buffer);
  }

  /** Starts a call's layout: every `alloc` after this is placed from the heap base on. */
  reset(): void {
    this.top = this.base;
  }

  /** Reserves `bytes` (64-byte aligned) for this call, growing the memory if needed; returns the address. */
  alloc(bytes: number): number {
    const at = this.top;
    this.top = Math.ceil((at + bytes) / ALIGN) * ALIGN;
    const memory = this.exports.memory;
    if (this.top > memory.buffer.byteLength) {
      memory.grow(Math.ceil((this.top - memory.buffer.byteLength) / PAGE));
    }
    return at;
  }

  /** The float32 view of the memory (renewed after growth detaches the old buffer). */
  view(): Float32Array {
    if (this.f32.buffer !== this.exports.memory.buffer)
      this.f32 = new Float32Array(this.exports.memory.buffer);
    return this.f32;
  }

  /** Allocates room for `data` and copies it in. */
  put(data: ArrayLike<number>): number {
    const at = this.alloc(data.length * 4);
    const v = this.view();
    if (data instanceof Float32Array) v.set(data, at >> 2);
    else for (let i = 0; i < data.length; i++) v[(at >> 2) + i] = data[i]!;
    return at;
  }

  /** Allocates room for float64 `data` (per-channel numbers) and copies it in. */
  putFloat64(data: Float64Array): number {
    const at = this.alloc(data.length * 8);
    new Float64Array(this.exports.memory.buffer, at, data.length).set(data);
    return at;
  }

  /** Copies `out.length` float64 numbers from `at` into `out`. */
  getFloat64(at: number, out: Float64Array): void {
    out.set(new Float64Array(this.exports.memory.buffer, at, out.length));
  }

  /** The `length` floats at `at`, as a view into the memory (valid until the next allocation). */
  floats(at: number, length: number): Float32Array {
    return this.view().subarray(at >> 2, (at >> 2) + length);
  }

  /** The `length` int32s at `at`, as a view into the memory (valid until the next allocation). */
  ints(at: number, length: number): Int32Array {
    return new Int32Array(this.exports.memory.buffer, at, length);
  }

  /** Bytes of linear memory held. */
  bytes(): number {
    return this.exports.memory.buffer.byteLength;
  }
}
