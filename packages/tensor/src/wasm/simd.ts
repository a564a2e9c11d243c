import { wasmApi } from './instance.js';

/**
 * The smallest module that uses 128-bit SIMD: (func (result v128) i32.const 0 i8x16.splat
 * i8x16.popcnt). A host validates it exactly when it implements the SIMD proposal (Node ≥ 16,
 * Chrome ≥ 91, Firefox ≥ 89, Safari ≥ 16.4).
 */
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98,
  11,
]);

/** Whether the wasm backend can run here, and why, in a sentence. */
export function wasmSimdSupport(): {
  /** True when this host runs WebAssembly with 128-bit SIMD, so the wasm backend can be used. */
  ok: boolean;
  /** What was found, in a sentence (shown when the wasm backend is unavailable). */
  reason: string;
} {
  const api = wasmApi();
  if (!api) return { ok: false, reason: 'this host has no WebAssembly' };
  let valid = false;
  try {
    valid = api.validate(SIMD_PROBE);
  } catch {
    valid = false;
  }
  return valid
    ? { ok: true, reason: 'WebAssembly SIMD (128-bit) is available' }
    : { ok: false, reason: 'this host’s WebAssembly has no 128-bit SIMD' };
}
