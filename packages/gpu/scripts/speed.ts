/**
 * Speed, side by side in one run on this machine: the kernels of ../src/testing/speed-cases.ts on
 *   - the cpu backend backend (pure TypeScript) in Node,
 *   - gpu.js WebAssembly kernels in Node (what gpu.js runs without a GL context),
 *   - gpu.js WebGL2 kernels in headless Chromium (here SwiftShader, a software renderer: this
 *     shows the GL path works end to end, not what a GPU would do), with the cpu backend in
 *     the same page for comparison.
 * Run: pnpm --filter @nabla/gpu speed [reps]  (median of reps timed calls after one untimed call)
 */
import { fileURLToPath } from 'node:url';
import { cpuBackend } from '@nabla/tensor';
import { createGpuBackend } from '../src/gpu-backend.js';
import type { BrowserApi } from '../src/testing/browser-entry.js';
import { openInChromium } from '../src/testing/chromium.js';
import { type Timing, timeCases } from '../src/testing/speed-cases.js';

const reps = Number(process.argv[2] ?? 3);
const columns: { title: string; timings: Timing[] }[] = [];

columns.push({ title: 'cpu (TypeScript, Node)', timings: timeCases(cpuBackend(), reps) });

const wasm = createGpuBackend({ mode: 'webasm' });
columns.push({ title: `gpu.js ${wasm.kernel} (Node)`, timings: timeCases(wasm, reps) });
wasm.dispose();

const entry = fileURLToPath(new URL('../src/testing/browser-entry.ts', import.meta.url));
const browser = await openInChromium(entry, 'nablaGpuReady');
try {
  const r = await browser.page.evaluate(
    (n) => (globalThis as unknown as { nablaGpu: BrowserApi }).nablaGpu.speed('webgl2', n),
    reps,
  );
  if ('error' in r) throw new Error(`in the page: ${r.error}`);
  const renderer = await browser.page.evaluate(() =>
    (globalThis as unknown as { nablaGpu: BrowserApi }).nablaGpu.renderer(),
  );
  columns.push({ title: 'cpu (TypeScript, Chromium)', timings: r.cpu });
  columns.push({
    title: `gpu.js ${r.kernel} (Chromium: ${renderer.includes('SwiftShader') ? 'SwiftShader, software' : renderer})`,
    timings: r.gpu,
  });
} finally {
  await browser.close();
}

const names = columns[0]!.timings.map((t) => t.name);
const width = Math.max(...names.map((n) => n.length));
console.log(`median ms per call over ${reps} calls (after one untimed compile/warm-up call)\n`);
for (const c of columns) {
  console.log(c.title);
  for (const t of c.timings) console.log(`  ${t.name.padEnd(width)}  ${t.ms.toFixed(1).padStart(9)} ms`);
}
console.log('\nratio to cpu (TypeScript, Node):');
for (const c of columns.slice(1)) {
  const ratios = c.timings.map((t, i) => `${(columns[0]!.timings[i]!.ms / t.ms).toFixed(2)}×`);
  console.log(`  ${c.title}: ${ratios.join('  ')}`);
}
