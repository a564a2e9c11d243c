/**
 * The live demos in headless Chromium: the site is built once with VitePress into a temporary
 * folder, served from 127.0.0.1 with sirv, and docs/demos.html is opened in Debian's Chromium
 * (playwright-core, never a downloaded browser). For each demo the test presses its controls, waits
 * for it to run and asserts a number the page shows; every page whose HTML holds a `data-demo=` tag
 * is then visited to check that each of its demos starts. Screenshots go to docs/artifacts/
 * (gitignored). If Chromium is missing the tests fail with what to install (bash
 * scripts/system-deps.sh): they never skip.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { MNIST_FILES, mnistDataDir, readIdxFile } from '@nabla/data/node';
import { accuracy, classify } from '@nabla/models';
import { loadModelFiles } from '@nabla/models/node';
import { CHROMIUM_ARGS, CHROMIUM_PATH as CHROMIUM } from '@nabla/playground/node/chromium';
import { NDArray } from '@nabla/tensor';
import { type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';
import sirv from 'sirv';
import { build, type SiteConfig } from 'vitepress';

const DOCS = join(dirname(fileURLToPath(import.meta.url)), '..');
const ARTIFACTS = join(DOCS, 'artifacts');
const MODEL_DIR = join(DOCS, 'public', 'models', 'lenet-mnist');
/** How long one demo may take to reach its end state on a busy 2-core machine. */
const DEMO_TIMEOUT = 40_000;

let outDir = '';
let profile = '';
let server: Server | undefined;
let context: BrowserContext | undefined;
let baseUrl = '';
let setupError = '';
/** Vite's warnings that page code imported a Node built-in. */
const externalized: string[] = [];

type ViteLogger = NonNullable<NonNullable<SiteConfig['vite']>['customLogger']>;

/** Vite's logger for the build: quiet, but warnings printed and the "externalized" ones kept. */
function recordingLogger(): ViteLogger {
  const warned = new Set<string>();
  const warn = (message: string) => {
    logger.hasWarned = true;
    if (message.includes('externalized for browser compatibility')) externalized.push(message);
    console.warn(message);
  };
  const logger: ViteLogger = {
    hasWarned: false,
    info: () => undefined,
    warn,
    warnOnce: (message) => {
      if (warned.has(message)) return;
      warned.add(message);
      warn(message);
    },
    error: (message) => console.error(message),
    clearScreen: () => undefined,
    hasErrorLogged: () => false,
  };
  return logger;
}

before(async () => {
  outDir = mkdtempSync(join(tmpdir(), 'nabla-docs-site-'));
  profile = mkdtempSync(join(tmpdir(), 'nabla-docs-profile-'));
  mkdirSync(ARTIFACTS, { recursive: true });
  try {
    if (!existsSync(CHROMIUM))
      throw new Error(
        `headless Chromium not found at ${CHROMIUM}: run bash scripts/system-deps.sh (installs Debian's chromium) or set NABLA_CHROMIUM to a Chromium binary`,
      );
    // Dead links are the site's own test's business; these tests are about the demos, so a link
    // another page breaks must not hide whether the demos work.
    await build(DOCS, {
      outDir,
      onAfterConfigResolve: (site) => {
        site.ignoreDeadLinks = true;
        site.logger.info = () => undefined;
        // Vite replaces a Node built-in imported by page code with an empty stub and only warns
        // ("externalized for browser compatibility"): record its warnings for the test below.
        site.vite = { ...site.vite, customLogger: recordingLogger() };
      },
    });
    const files = sirv(outDir, { dev: true, etag: false });
    server = createServer((req, res) =>
      files(req, res, () => {
        res.writeHead(404).end('not found');
      }),
    );
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    try {
      context = await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM,
        headless: true,
        args: CHROMIUM_ARGS,
        viewport: { width: 1280, height: 1000 },
      });
    } catch (e) {
      throw new Error(
        `headless Chromium at ${CHROMIUM} did not start (bash scripts/system-deps.sh installs it): ${(e as Error).message}`,
      );
    }
  } catch (e) {
    setupError = (e as Error).stack ?? String(e);
  }
});

after(async () => {
  await context?.close().catch(() => undefined);
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  rmSync(outDir, { recursive: true, force: true });
  rmSync(profile, { recursive: true, force: true });
});

interface OpenPage {
  page: Page;
  errors: string[];
}

/** Opens a built page (path relative to the site) and collects its console errors and exceptions. */
async function open(path: string): Promise<OpenPage> {
  if (!context) assert.fail(`the site or headless Chromium could not be set up: ${setupError}`);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    // The site has no favicon (Chromium asks for one): not a demo's business.
    if (m.type() === 'error' && !m.location().url.endsWith('/favicon.ico')) errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e.stack ?? e)));
  page.on('response', (r) => {
    if (r.status() >= 400) errors.push(`HTTP ${r.status()} ${r.url()}`);
  });
  await page.goto(new URL(path, baseUrl).href);
  return { page, errors };
}

/** Waits until the demo `name` has started (or failed to) and returns its root; fails on a failure. */
async function demo(page: Page, name: string): Promise<Locator> {
  const box = page.locator(`.live-demo[data-demo="${name}"]`).first();
  await box.locator('[data-mounted], .live-demo-failure').first().waitFor({ timeout: DEMO_TIMEOUT });
  const failure = box.locator('.live-demo-failure');
  if ((await failure.count()) > 0) assert.fail(`demo ${name}: ${await failure.textContent()}`);
  return box.locator('[data-mounted]');
}

async function readout(root: Locator, name: string): Promise<string> {
  const value = await root.locator(`[data-readout="${name}"]`).getAttribute('data-value');
  assert.ok(value !== null, `the read-out '${name}' has a value`);
  return value;
}

async function waitForState(root: Locator, states: string[]): Promise<string> {
  await root
    .page()
    .waitForFunction(
      ([element, wanted]) => wanted.includes((element as HTMLElement).dataset.state ?? ''),
      [await root.elementHandle(), states] as const,
      { timeout: DEMO_TIMEOUT },
    );
  return (await root.getAttribute('data-state')) ?? '';
}

async function screenshot(root: Locator, name: string): Promise<void> {
  await root.locator('xpath=..').screenshot({ path: join(ARTIFACTS, `${name}.png`) });
}

async function noFailures(opened: OpenPage, where: string): Promise<void> {
  assert.equal(
    await opened.page.locator('.live-demo-failure').count(),
    0,
    `${where}: a demo failed to start`,
  );
  assert.deepEqual(opened.errors, [], `${where}: no console errors or exceptions`);
}

describe('docs/demos.html in headless Chromium', () => {
  let opened: OpenPage;
  before(async () => {
    opened = await open('demos.html');
  });
  after(async () => {
    await opened?.page.close();
  });

  test('neuron-2d: gradient descent moves the boundary until every point is on its side (100%)', async () => {
    const root = await demo(opened.page, 'neuron-2d');
    assert.equal(await readout(root, 'step'), '0');
    const lossBefore = Number(await readout(root, 'loss'));
    const lineBefore = await root.locator('.neuron-boundary').getAttribute('x1');
    await root.locator('[data-action="run"]').click();
    assert.equal(await waitForState(root, ['done']), 'done');
    const steps = Number(await readout(root, 'step'));
    const loss = Number(await readout(root, 'loss'));
    const accuracy = Number(await readout(root, 'accuracy'));
    assert.equal(steps, 500);
    assert.equal(accuracy, 100, `accuracy after ${steps} steps`);
    assert.ok(loss < 0.01 && loss < lossBefore / 10, `loss fell from ${lossBefore} to ${loss}`);
    assert.notEqual(
      await root.locator('.neuron-boundary').getAttribute('x1'),
      lineBefore,
      'the boundary moved',
    );
    await screenshot(root, 'neuron-2d');
    // Reset goes back to step 0 and the first loss.
    await root.locator('[data-action="reset"]').click();
    assert.equal(await readout(root, 'step'), '0');
    assert.equal(Number(await readout(root, 'loss')), lossBefore);
  });

  test('descent-surface: from the plateau into the valley, until converged (loss < 0.026)', async () => {
    const root = await demo(opened.page, 'descent-surface');
    assert.equal(await readout(root, 'iteration'), '0');
    const start = Number(await readout(root, 'loss'));
    // The start (w, b) = (−5, 5) is on the plateau where the sigmoid saturates.
    assert.ok(start > 0.3, `starting loss ${start}`);
    // A small learning rate crawls: 100 iterations of α = 0.5 barely move the loss.
    await root.locator('[data-control="learning-rate"]').selectOption('0.5');
    await root.locator('[data-action="run"]').click();
    await opened.page.waitForFunction(
      (element) =>
        Number(
          (element as HTMLElement).querySelector('[data-readout="iteration"]')?.getAttribute('data-value'),
        ) >= 100,
      await root.elementHandle(),
      { timeout: DEMO_TIMEOUT },
    );
    await root.locator('[data-action="run"]').click();
    const crawled = Number(await readout(root, 'loss'));
    assert.ok(crawled > 0.3, `α = 0.5: loss ${crawled} after ${await readout(root, 'iteration')} iterations`);
    // The default rate reaches the minimum (about 0.0255 on this set) and stops there.
    await root.locator('[data-control="learning-rate"]').selectOption('20');
    assert.equal(await readout(root, 'iteration'), '0', 'changing α restarts');
    await root.locator('[data-action="run"]').click();
    assert.equal(await waitForState(root, ['converged', 'stopped']), 'converged');
    const loss = Number(await readout(root, 'loss'));
    const gradient = Number(await readout(root, 'gradient-norm'));
    assert.ok(loss < 0.026, `final loss ${loss}`);
    assert.ok(gradient < 1e-4, `final gradient norm ${gradient}`);
    await screenshot(root, 'descent-surface');
  });

  test("convolution-window: the window slides and fills UFLDL's output [[4,3,4],[2,4,3],[2,3,4]]", async () => {
    const root = await demo(opened.page, 'convolution-window');
    const cells = root.locator('[data-output-cell]');
    assert.equal(await cells.count(), 9);
    assert.equal(
      await root.locator('[data-output-cell][data-value]').count(),
      0,
      'nothing filled before Play',
    );
    await root.locator('[data-action="step"]').click();
    assert.equal(await readout(root, 'position'), '0,0');
    assert.equal(await root.locator('.conv-cell.in-window').count(), 9, 'the window covers 3×3 pixels');
    assert.match((await root.locator('[data-readout="sum"]').textContent()) ?? '', /= 4$/);
    await root.locator('[data-action="play"]').click();
    assert.equal(await waitForState(root, ['done']), 'done');
    const values = await cells.evaluateAll((list) =>
      list.map((c) => Number((c as HTMLElement).dataset.value)),
    );
    assert.deepEqual(
      [values.slice(0, 3), values.slice(3, 6), values.slice(6, 9)],
      [
        [4, 3, 4],
        [2, 4, 3],
        [2, 3, 4],
      ],
    );
    assert.equal(await readout(root, 'position'), '2,2');
    await screenshot(root, 'convolution-window');
  });

  test('lenet-conv1: MNIST test digits drawn with the mouse are classified correctly', async () => {
    const root = await demo(opened.page, 'lenet-conv1');
    assert.equal(await root.locator('[data-filter]').count(), 16, "conv1's 16 filters");
    assert.equal(await root.getAttribute('data-state'), 'ready');
    const images = readIdxFile(join(mnistDataDir(), MNIST_FILES.testImages.file));
    const labels = readIdxFile(join(mnistDataDir(), MNIST_FILES.testLabels.file));
    const pad = root.locator('canvas.lenet-pad');
    const predicted: string[] = [];
    const wanted: string[] = [];
    for (const index of [0, 1, 2, 3, 4]) {
      await root.locator('[data-action="clear"]').click();
      assert.equal(await readout(root, 'prediction'), '', 'cleared');
      // Mouse positions are in the viewport: measure the pad once it is in view (a click may scroll).
      await pad.scrollIntoViewIfNeeded();
      const box = (await pad.boundingBox())!;
      const strokes = await drawDigit(root, box, images.data as Uint8Array, index);
      assert.ok(strokes >= 5, `digit ${index}: ${strokes} strokes`);
      assert.equal(await root.getAttribute('data-state'), 'classified');
      predicted.push(await readout(root, 'prediction'));
      wanted.push(String(labels.data[index]));
      if (index === 0) await screenshot(root, 'lenet-conv1');
    }
    assert.deepEqual(predicted, wanted, 'predicted classes of test digits 0–4');
    const p = Number(await readout(root, 'probability'));
    assert.ok(p > 0.5 && p <= 1, `probability of the predicted class ${p}`);
    // The maps show something: a conv1 map of a drawn digit is not one flat gray.
    const spread = await root.locator('[data-map="conv1-0"]').evaluate((canvas) => {
      const c = canvas as HTMLCanvasElement;
      const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let lo = 255;
      let hi = 0;
      for (let i = 0; i < data.length; i += 4) {
        lo = Math.min(lo, data[i]!);
        hi = Math.max(hi, data[i]!);
      }
      return hi - lo;
    });
    assert.ok(spread > 50, `conv1 map 1 spans ${spread} gray levels`);
  });

  test('no demo on the page failed and the page logged no error', async () => {
    await noFailures(opened, 'demos.html');
  });
});

/**
 * Draws MNIST test digit `index` on the pad as a reader would, with the mouse: one stroke along
 * each horizontal run of inked pixels (value > 127), every other row (the pen is about two MNIST
 * pixels wide). Like a person, it waits for the page to take each stroke in (the demo classifies
 * the drawing at each stroke's end and counts it in data-updates) before drawing the next.
 * Returns the number of strokes.
 */
async function drawDigit(
  root: Locator,
  box: { x: number; y: number; width: number; height: number },
  pixels: Uint8Array,
  index: number,
): Promise<number> {
  const page = root.page();
  const side = 28;
  const cell = box.width / side;
  const at = (r: number, c: number) => pixels[index * side * side + r * side + c]!;
  let strokes = 0;
  for (let r = 0; r < side; r += 2) {
    for (let c = 0; c < side; c++) {
      if (at(r, c) <= 127) continue;
      let end = c;
      while (end + 1 < side && at(r, end + 1) > 127) end++;
      const before = Number(await root.getAttribute('data-updates'));
      const y = box.y + (r + 0.5) * cell;
      await page.mouse.move(box.x + (c + 0.5) * cell, y);
      await page.mouse.down();
      await page.mouse.move(box.x + (end + 0.5) * cell, y, { steps: 2 });
      await page.mouse.up();
      await page
        .waitForFunction(
          ([element, wanted]) => Number((element as HTMLElement).dataset.updates) === wanted,
          [await root.elementHandle(), before + 1] as const,
          { timeout: DEMO_TIMEOUT },
        )
        .catch((e: Error) =>
          assert.fail(`digit ${index}: stroke ${strokes + 1} was not classified: ${e.message}`),
        );
      strokes++;
      c = end;
    }
  }
  return strokes;
}

test('every built page with a live demo starts all of its demos', async () => {
  if (!outDir || !existsSync(join(outDir, 'demos.html')))
    assert.fail(`the site or headless Chromium could not be set up: ${setupError}`);
  const pages: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.html') && readFileSync(path, 'utf8').includes('data-demo='))
        pages.push(path);
    }
  };
  walk(outDir);
  const relativePages = pages.map((p) => relative(outDir, p).split('\\').join('/')).sort();
  assert.ok(relativePages.includes('demos.html'), `pages with demos: ${relativePages.join(', ')}`);
  for (const path of relativePages) {
    const opened = await open(path);
    try {
      const names = await opened.page
        .locator('.live-demo[data-demo]')
        .evaluateAll((list) => list.map((e) => (e as HTMLElement).dataset.demo!));
      assert.ok(names.length > 0, `${path}: the page renders its demo tags`);
      for (const name of names) await demo(opened.page, name);
      await noFailures(opened, path);
    } finally {
      await opened.page.close();
    }
  }
});

test("the site's JavaScript (the demos' chunks with Nabla's packages) imports no Node built-in", () => {
  if (!outDir || !existsSync(join(outDir, 'demos.html')))
    assert.fail(`the site or headless Chromium could not be set up: ${setupError}`);
  const offenders: string[] = [];
  const chunks: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.js')) {
        chunks.push(entry.name);
        const code = readFileSync(path, 'utf8');
        if (/(from|import\(|require\()\s*["'](node:|fs["']|path["']|worker_threads|child_process)/.test(code))
          offenders.push(relative(outDir, path));
      }
    }
  };
  walk(join(outDir, 'assets'));
  for (const name of ['neuron-2d', 'descent-surface', 'convolution-window', 'lenet-conv1'])
    assert.ok(
      chunks.some((c) => c.startsWith(`${name}.`)),
      `a chunk for ${name} (chunks: ${chunks.length})`,
    );
  assert.deepEqual(offenders, [], 'chunks that import a Node built-in');
  assert.deepEqual(externalized, [], 'Node built-ins that Vite replaced with empty stubs in page code');
});

test('the committed LeNet is the one its provenance describes, and classifies MNIST test digits (≥ 95% of 1,000)', async () => {
  const record = JSON.parse(readFileSync(join(MODEL_DIR, 'provenance.json'), 'utf8')) as {
    sha256: Record<string, string>;
    metrics: { testAccuracy: number };
  };
  for (const name of ['model.json', 'model.safetensors']) {
    const digest = createHash('sha256')
      .update(readFileSync(join(MODEL_DIR, name)))
      .digest('hex');
    assert.equal(digest, record.sha256[name], `${name} is the file the provenance records`);
  }
  assert.ok(record.metrics.testAccuracy >= 95, `recorded test accuracy ${record.metrics.testAccuracy}%`);
  const { net } = await loadModelFiles(MODEL_DIR);
  const count = 1000;
  const images = readIdxFile(join(mnistDataDir(), MNIST_FILES.testImages.file));
  const labels = readIdxFile(join(mnistDataDir(), MNIST_FILES.testLabels.file));
  const x = new NDArray(
    Float32Array.from((images.data as Uint8Array).subarray(0, count * 784), (v) => v / 255),
    [count, 1, 28, 28],
  );
  const y = Int32Array.from((labels.data as Uint8Array).subarray(0, count));
  const percent = 100 * accuracy(classify(net, x).labels, y);
  assert.ok(percent >= 95, `the committed LeNet classifies ${percent}% of the first 1,000 test digits`);
});
