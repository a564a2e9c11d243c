// The kernels in a real GL context: headless Chromium on SwiftShader (software WebGL2, so this
// proves correctness, not speed). The page is bundled from ./testing/browser-entry.ts.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { propertySeed } from '@nabla/tensor/testing';
import { TOLERANCE } from './testing/agreement.js';
import type { BrowserApi } from './testing/browser-entry.js';
import { chromiumPageForSuite } from './testing/chromium.js';
import { lossDisagreement } from './testing/lenet-training.js';

// The page's globals (functions passed to page.evaluate run in the page, so they read these).
type Page = { nablaGpu: BrowserApi };

const ENTRY = fileURLToPath(new URL('./testing/browser-entry.ts', import.meta.url));

describe('gpu backend in headless Chromium (WebGL2 on SwiftShader)', () => {
  // A browser that cannot start fails every test below with the reason (never a skip).
  const page = chromiumPageForSuite(ENTRY, 'nablaGpuReady');

  test('the page is cross-origin isolated and loaded without errors', async () => {
    assert.equal(
      await page().page.evaluate(() => (globalThis as unknown as Page).nablaGpu.crossOriginIsolated),
      true,
    );
    assert.deepEqual(page().errors, []);
  });

  test('matmul and conv2d forward / backward on a strict WebGL2Kernel agree with the reference backend', async (t) => {
    const result = await page().page.evaluate(
      (options) => (globalThis as unknown as Page).nablaGpu.agreement('webgl2', options),
      { numRuns: 12, seed: propertySeed(), maxSide: 12 },
    );
    if ('error' in result) assert.fail(`in the page: ${result.error}`);
    assert.equal(result.kernel, 'WebGL2Kernel');
    assert.deepEqual(result.classes, ['WebGL2Kernel']);
    assert.deepEqual(
      result.reports.map((r) => r.op),
      ['matmul', 'conv2d', 'conv2dBackwardInput', 'conv2dBackwardFilter'],
    );
    for (const r of result.reports) {
      assert.equal(r.cases, 12, `${r.op} ran every case`);
      assert.ok(r.maxError <= TOLERANCE, `${r.op}: max error ${r.maxError} at ${r.worst}`);
      t.diagnostic(
        `${r.op}: ${r.maxError.toFixed(3)} of the bound, ${r.relative.toExponential(2)} of Σ|terms|`,
      );
    }
  });

  test("LeNet's layer shapes (batch 8) agree with the reference backend on WebGL2", async (t) => {
    const result = await page().page.evaluate(() =>
      (globalThis as unknown as Page).nablaGpu.lenetShapes('webgl2'),
    );
    if ('error' in result) assert.fail(`in the page: ${result.error}`);
    assert.equal(result.kernel, 'WebGL2Kernel');
    assert.equal(result.reports.length, 4);
    for (const r of result.reports) {
      assert.ok(r.maxError <= TOLERANCE, `${r.op}: max error ${r.maxError} at ${r.worst}`);
      t.diagnostic(
        `LeNet ${r.op}: ${r.maxError.toFixed(3)} of the bound, ${r.relative.toExponential(2)} of Σ|terms|`,
      );
    }
    const renderer = await page().page.evaluate(() => (globalThis as unknown as Page).nablaGpu.renderer());
    assert.notEqual(renderer, 'no WebGL2 context');
    t.diagnostic(`WebGL2 renderer: ${renderer}`);
  });

  test("LeNet trained on the strict WebGL2 backend gives the cpu run's losses, to float32 rounding", async (t) => {
    // Few, small steps: software WebGL runs each kernel call in ~0.1 s on this shared CPU.
    const result = await page().page.evaluate(() =>
      (globalThis as unknown as Page).nablaGpu.train('webgl2', 12, 8, 3),
    );
    if ('error' in result) assert.fail(`in the page: ${result.error}`);
    assert.equal(result.cpu.kernel, 'TypeScript');
    assert.equal(result.gpu.kernel, 'WebGL2Kernel');
    assert.equal(result.gpu.losses.length, 12);
    const gap = lossDisagreement(result.gpu.losses, result.cpu.losses);
    t.diagnostic(
      `losses cpu ${result.cpu.losses.map((l) => l.toFixed(4)).join(' ')}; max relative gap ${gap.toExponential(2)}`,
    );
    assert.ok(gap <= 1e-4, `loss curves differ by ${gap} (relative)`);
    const [first, last] = [result.cpu.losses[0]!, result.cpu.losses.at(-1)!];
    assert.ok(last < first, `training lowered the loss: ${first} → ${last}`);
  });

  test("gpu.js's default mode picks WebGL2 here, and auto picks the gpu backend and says why", async () => {
    const kernel = await page().page.evaluate(() => (globalThis as unknown as Page).nablaGpu.defaultKernel());
    if ('error' in kernel) assert.fail(`in the page: ${kernel.error}`);
    assert.equal(kernel.kernel, 'WebGL2Kernel');
    const auto = await page().page.evaluate(() => (globalThis as unknown as Page).nablaGpu.auto());
    if ('error' in auto) assert.fail(`in the page: ${auto.error}`);
    assert.equal(auto.name, 'gpu');
    assert.equal(auto.kernel, 'WebGL2Kernel');
    assert.match(auto.reason, /ran a WebGL2Kernel on a real context/);
    assert.deepEqual(page().errors, []);
  });
});
