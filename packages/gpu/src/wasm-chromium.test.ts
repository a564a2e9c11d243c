// The wasm backend in a browser: headless Chromium loads @nabla/tensor bundled by esbuild (the
// kernels' bytes embedded in the bundle, no fetch), picks the wasm backend by itself where
// WebAssembly SIMD validates, and trains LeNet on it with the losses of the reference backend.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromiumPageForSuite } from './testing/chromium.js';
import { lossDisagreement } from './testing/lenet-training.js';
import type { WasmBrowserApi } from './testing/wasm-entry.js';

type Page = { nablaWasm: WasmBrowserApi };

const ENTRY = fileURLToPath(new URL('./testing/wasm-entry.ts', import.meta.url));

describe('wasm backend in headless Chromium', () => {
  // A browser that cannot start fails every test below with the reason (never a skip).
  const page = chromiumPageForSuite(ENTRY, 'nablaWasmReady');

  test('the page chooses the wasm backend by itself, because WebAssembly SIMD validates', async () => {
    const s = await page().page.evaluate(() => (globalThis as unknown as Page).nablaWasm.selection());
    assert.ok(!('error' in s), 'error' in s ? s.error : '');
    assert.deepEqual(s.simd, { ok: true, reason: 'WebAssembly SIMD (128-bit) is available' });
    assert.equal(s.name, 'wasm');
    assert.equal(s.kernel, 'WebAssembly SIMD f32x4');
    assert.match(s.reason, /^automatic: WebAssembly SIMD/);
    assert.deepEqual(page().errors, []);
  });

  test("every LeNet gradient on the wasm backend matches the reference backend's, to float32 rounding", async () => {
    const r = await page().page.evaluate(() => (globalThis as unknown as Page).nablaWasm.gradients(16, 9));
    assert.ok(!('error' in r), 'error' in r ? r.error : '');
    assert.equal(r.parameters, 10);
    assert.ok(r.worst < 1e-4, `a gradient differs by ${r.worst} of its parameter's largest`);
  });

  test("LeNet trained on the wasm backend gives the reference backend's losses, to float32 rounding", async () => {
    const r = await page().page.evaluate(() => (globalThis as unknown as Page).nablaWasm.train(3, 16, 5));
    assert.ok(!('error' in r), 'error' in r ? r.error : '');
    assert.equal(r.wasm.kernel, 'WebAssembly SIMD f32x4');
    assert.equal(r.reference.backend, 'reference');
    assert.equal(r.wasm.losses.length, 3);
    // Float32 sums against float64 ones, through three steps of SGD: agreement to ~1e-5 relative.
    const worst = lossDisagreement(r.wasm.losses, r.reference.losses);
    assert.ok(
      worst < 1e-4,
      `losses differ by ${worst}: wasm ${r.wasm.losses}, reference ${r.reference.losses}`,
    );
    // The losses moved: every step really trained.
    assert.notEqual(r.wasm.losses[0], r.wasm.losses[2]);
    assert.deepEqual(page().errors, []);
  });
});
