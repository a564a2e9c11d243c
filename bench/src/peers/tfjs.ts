import { createRequire } from 'node:module';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import * as tfWasm from '@tensorflow/tfjs-backend-wasm';
import { registerWasmConv2DBackpropFilter } from './tfjs-wasm-filter-grad.js';

export { tf };
export type TfBackend = 'cpu' | 'wasm';

const require = createRequire(import.meta.url);
let wasmReady: Promise<void> | null = null;
let cpuGreeted = false;

/** The wasm binaries ship inside the npm package: point TF.js at them, never at a download. */
function prepareWasm(): Promise<void> {
  wasmReady ??= (async () => {
    const dir = path.join(
      path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')),
      'dist',
    );
    tfWasm.setWasmPaths(`${dir}${path.sep}`);
    registerWasmConv2DBackpropFilter();
  })();
  return wasmReady;
}

/**
 * Makes `backend` TF.js's current backend (both stay registered in this process; tensors must be
 * made after the switch). The cpu backend's one-time "install tfjs-node" banner is muted: this
 * bench measures the pure-JavaScript backends on purpose.
 */
export async function useTf(backend: TfBackend): Promise<typeof tf> {
  if (backend === 'wasm') await prepareWasm();
  const warn = console.warn;
  if (backend === 'cpu' && !cpuGreeted) console.warn = () => {};
  try {
    if (!(await tf.setBackend(backend))) throw new Error(`TF.js could not start its ${backend} backend`);
    await tf.ready();
    if (backend === 'cpu' && !cpuGreeted) {
      tf.tidy(() => tf.add(tf.scalar(1), tf.scalar(1)).dataSync()); // the banner prints on first use
      cpuGreeted = true;
    }
  } finally {
    console.warn = warn;
  }
  return tf;
}

/** Versions and the wasm build that really loaded (SIMD, threads), for the results. */
export async function tfInfo(): Promise<Record<string, string>> {
  await prepareWasm();
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  const threads = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
  return {
    'TF.js': tf.version_core,
    'TF.js wasm build': `${simd ? 'SIMD' : 'no SIMD'}, ${threads ? `threads (${tfWasm.getThreadsCount()})` : 'single thread (no threaded build in Node)'}`,
  };
}
