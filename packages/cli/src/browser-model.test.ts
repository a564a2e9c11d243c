/**
 * A model trained by the CLI loads in a browser: `nabla train lenet` writes model.json +
 * model.safetensors; a page bundled for the browser (esbuild, platform 'browser') from
 * @nabla/models' browser entry fetches both files in headless Chromium, loads them with loadModel
 * and classifies 100 real MNIST test digits; its labels and probabilities must equal those of
 * Node's loadModelFiles + classify on the same inputs. If Chromium cannot start, the test fails
 * with what to install (`bash scripts/system-deps.sh`): it never skips.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { classify } from '@nabla/models';
import { loadModelFiles } from '@nabla/models/node';
import { NDArray } from '@nabla/tensor';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { mnistSlice, runNabla, tempDir, writeIdxPair } from './testing/fixtures.js';

const CHROMIUM = process.env.NABLA_CHROMIUM ?? '/usr/bin/chromium';
const ENTRY = join(dirname(fileURLToPath(import.meta.url)), 'testing', 'browser-model-entry.ts');
/** A made-up origin: Playwright answers every request to it from memory, so no server is needed. */
const ORIGIN = 'http://nabla.test/';

const dir = tempDir('nabla-browser-model-');
after(() => {
  if (!process.env.NABLA_KEEP_TEST_FILES) rmSync(dir, { recursive: true, force: true });
});

test('a LeNet trained by the CLI classifies in headless Chromium exactly as in Node', async () => {
  const trainSet = writeIdxPair(dir, 'train', mnistSlice(0, 384));
  const testSet = writeIdxPair(dir, 'test', mnistSlice(5000, 100));
  const run = join(dir, 'run');
  const trained = await runNabla([
    'train',
    'lenet',
    ...['--train-images', trainSet.images, '--train-labels', trainSet.labels],
    ...['--test-images', testSet.images, '--test-labels', testSet.labels],
    ...['--train-size', '384', '--val-size', '0', '--batch-size', '32', '--epochs', '2', '--lr', '0.05'],
    ...['--seed', '1', '--threads', '1', '--out', run, '--quiet'],
  ]);
  assert.equal(trained.code, 0, trained.stderr);

  // The same 100 digits for both, scaled to [0, 1] as the CLI feeds them.
  const digits = mnistSlice(5000, 100);
  const count = digits.labels.shape[0]!;
  const pixels = Array.from(digits.images.data as Uint8Array, (v) => v / 255);

  const { net } = await loadModelFiles(run);
  const node = classify(net, new NDArray(Float32Array.from(pixels), [count, ...net.inputShape]));
  const nodeScores = [...node.scores.contiguous().data];
  // A trained network, not a constant one: 24 iterations get about half the test digits (52 measured; chance is 10).
  let correct = 0;
  for (let i = 0; i < count; i++) if (node.labels[i] === digits.labels.data[i]) correct++;
  assert.ok(correct >= 40, `Node classifies ${correct} of ${count} test digits correctly`);

  const page = join(dir, 'page');
  await build({
    entryPoints: { entry: ENTRY },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    conditions: ['source'],
    outdir: page,
    logLevel: 'error',
  });
  const bundle = readFileSync(join(page, 'entry.js'), 'utf8');
  assert.doesNotMatch(bundle, /from ["']node:/, 'the browser bundle imports no Node built-in');
  writeFileSync(
    join(page, 'index.html'),
    '<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><script type="module" src="./entry.js"></script>',
  );
  const files: Record<string, [string, string]> = {
    '': [join(page, 'index.html'), 'text/html; charset=utf-8'],
    'entry.js': [join(page, 'entry.js'), 'text/javascript; charset=utf-8'],
    'model/model.json': [join(run, 'model.json'), 'application/json'],
    'model/model.safetensors': [join(run, 'model.safetensors'), 'application/octet-stream'],
  };

  if (!existsSync(CHROMIUM))
    throw new Error(
      `headless Chromium not found at ${CHROMIUM}: run bash scripts/system-deps.sh (Debian's chromium) or set NABLA_CHROMIUM`,
    );
  const profile = mkdtempSync(join(tmpdir(), 'nabla-browser-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--use-angle=swiftshader',
      '--enable-unsafe-swiftshader',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  try {
    const tab = context.pages()[0] ?? (await context.newPage());
    const errors: string[] = [];
    tab.on('pageerror', (e) => errors.push(String(e.stack ?? e)));
    tab.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await tab.route(`${ORIGIN}**`, async (route) => {
      const path = new URL(route.request().url()).pathname.slice(1);
      const file = files[path];
      if (!file) return route.fulfill({ status: 404, body: 'not found' });
      return route.fulfill({ status: 200, contentType: file[1], body: readFileSync(file[0]) });
    });
    await tab.goto(ORIGIN);
    await tab.waitForFunction(
      () => (globalThis as { nablaPageReady?: boolean }).nablaPageReady === true,
      null,
      {
        timeout: 60_000,
      },
    );
    const browser = await tab.evaluate(
      ([base, values, n]) =>
        (
          globalThis as unknown as {
            classifyWithModel: (
              b: string,
              p: number[],
              c: number,
            ) => Promise<{ inputShape: number[]; classes: string[]; labels: number[]; scores: number[] }>;
          }
        ).classifyWithModel(base, values, n),
      [`${ORIGIN}model/`, pixels, count] as const,
    );
    assert.deepEqual(errors, [], 'no page errors');
    assert.deepEqual(browser.inputShape, [...net.inputShape]);
    assert.deepEqual(browser.classes, [...net.classes]);
    assert.deepEqual(browser.labels, [...node.labels], 'the same predicted labels');
    assert.equal(browser.scores.length, count * 10);
    // The same code on the same float32 arithmetic in the same engine (V8): the same bits.
    let maxDiff = 0;
    for (let i = 0; i < nodeScores.length; i++)
      maxDiff = Math.max(maxDiff, Math.abs(browser.scores[i]! - nodeScores[i]!));
    assert.equal(maxDiff, 0, `largest |browser − Node| probability difference: ${maxDiff}`);
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
});
