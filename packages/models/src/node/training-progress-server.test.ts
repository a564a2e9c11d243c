import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { loadMnistSet } from '@nabla/data/node';
import { NDArray } from '@nabla/tensor';
import { type Browser, chromium, type Page } from 'playwright-core';
import { mlpLayers } from '../mlp.js';
import { trainingOptions } from '../training-options.js';
import { trainNetwork } from '../train-network.js';
import { serveTrainingProgress } from './training-progress-server.js';

const CHROMIUM = process.env.NABLA_CHROMIUM ?? '/usr/bin/chromium';
// NABLA_UPDATE_SCREENSHOTS=1 writes the picture used by the docs.
const SCREENSHOT = join(
  dirname(new URL(import.meta.url).pathname),
  '../../../../docs/images/training-progress-live.png',
);

let browser: Browser;
before(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM}: run 'bash scripts/system-deps.sh' (or set NABLA_CHROMIUM)`,
    );
  }
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
});
after(async () => browser?.close());

/** Rows in the page's chart (what vega holds in the named source) and validation dots drawn. */
async function plotted(page: Page): Promise<{ rows: number; dots: number }> {
  return page.evaluate(() => {
    const w = globalThis as unknown as { nablaView?: { data(name: string): unknown[] } };
    return {
      rows: w.nablaView ? w.nablaView.data('progress').length : 0,
      dots: document.querySelectorAll('#chart .mark-symbol path').length,
    };
  });
}

test('the served page, the spec, the browser scripts and a late page replaying every point so far', async () => {
  const lines: string[] = [];
  const plot = await serveTrainingProgress({
    title: 'a <run>',
    totalIterations: 3,
    log: (l) => lines.push(l),
  });
  assert.match(plot.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
  assert.deepEqual(lines, [`training progress: ${plot.url}`]);
  const html = await (await fetch(plot.url)).text();
  assert.match(html, /<title>a &lt;run&gt;<\/title>/);
  const spec = await (await fetch(`${plot.url}spec.json`)).json();
  assert.equal(spec.vconcat.length, 2, 'two panels: accuracy and loss');
  for (const file of ['vega.min.js', 'vega-lite.min.js', 'vega-embed.min.js']) {
    const r = await fetch(plot.url + file);
    assert.equal(r.status, 200, file);
    assert.ok((await r.text()).length > 10_000, file);
  }
  assert.equal((await fetch(`${plot.url}nope`)).status, 404);
  plot.update({
    epoch: 1,
    iteration: 1,
    timeElapsed: 0,
    miniBatchLoss: 2,
    miniBatchAccuracy: 10,
    learningRate: 0.1,
  });
  plot.update({
    epoch: 2,
    iteration: 2,
    timeElapsed: 0,
    miniBatchLoss: 1,
    miniBatchAccuracy: 50,
    learningRate: 0.1,
    validationLoss: 1.5,
    validationAccuracy: 40,
  });
  await plot.close();
  // After the end the server is gone.
  await assert.rejects(fetch(plot.url));
});

test('plots training-progress: Chromium watches the chart grow while trainNetwork runs, then a screenshot', async () => {
  const digits = loadMnistSet('test');
  const n = 1200;
  const x = new NDArray(digits.images.data.slice(0, n * 784), [n, 784]);
  const y = digits.labels.slice(0, n);
  const val = {
    x: new NDArray(digits.images.data.slice(n * 784, (n + 300) * 784), [300, 784]),
    y: digits.labels.slice(n, n + 300),
  };
  const page = await browser.newPage({ viewport: { width: 760, height: 720 } });
  let url = '';
  const seen: { iteration: number; rows: number; dots: number }[] = [];
  const { info } = await trainNetwork(
    { x, y },
    mlpLayers([784, 32, 10]),
    trainingOptions('sgdm', {
      maxEpochs: 3,
      miniBatchSize: 50,
      initialLearnRate: 0.05,
      validationData: val,
      validationFrequency: 8,
      verbose: false,
      plots: 'training-progress',
      log: (line) => {
        url = /training progress: (\S+)/.exec(line)?.[1] ?? url;
      },
      // Training waits for the page at a few iterations (no clock involved): the page must have drawn
      // every row sent so far before training goes on, so each reading is the chart at that iteration.
      onIteration: async (record) => {
        if (record.iteration === 1) await page.goto(url);
        if ([1, 10, 30, 50, 72].includes(record.iteration)) {
          const rowsSoFar = record.iteration + Math.floor(record.iteration / 8) + 1; // + validations
          await page.waitForFunction(
            (want) => {
              const w = globalThis as unknown as { nablaView?: { data(name: string): unknown[] } };
              return (w.nablaView?.data('progress').length ?? 0) >= want;
            },
            rowsSoFar,
            { timeout: 30_000 },
          );
          seen.push({ iteration: record.iteration, ...(await plotted(page)) });
        }
      },
    }),
  );
  assert.equal(info.iterations, 72);
  assert.ok(url.startsWith('http://127.0.0.1:'), `the page's address was logged: '${url}'`);
  // The chart grew at every reading: more rows in the view, and more validation dots drawn.
  assert.equal(seen.length, 5, JSON.stringify(seen));
  for (let i = 1; i < seen.length; i++) {
    assert.ok(seen[i]!.rows > seen[i - 1]!.rows, `rows grew: ${JSON.stringify(seen)}`);
  }
  assert.ok(seen.at(-1)!.dots > seen[0]!.dots, `validation dots grew: ${JSON.stringify(seen)}`);
  // The end of training reaches the page; the server then stops.
  await page.waitForFunction(() => (globalThis as unknown as { nablaDone?: boolean }).nablaDone === true);
  const status = await page.textContent('#status');
  assert.match(status ?? '', /iteration 72 of 72 — training finished/);
  const png = await page.screenshot({ fullPage: true });
  assert.ok(png.length > 10_000);
  if (process.env.NABLA_UPDATE_SCREENSHOTS === '1') {
    mkdirSync(dirname(SCREENSHOT), { recursive: true });
    writeFileSync(SCREENSHOT, png);
  }
  await page.close();
});

test('the prebuilt bundle runs from a <script type="module"> page in Chromium: train, save, reload, classify', async () => {
  // @ts-expect-error: a plain .mjs build script, without type declarations
  const { buildBrowserBundle } = await import('../../scripts/browser-bundle.mjs');
  const dir = mkdtempSync(join(tmpdir(), 'nabla-bundle-'));
  try {
    await buildBrowserBundle(join(dir, 'nabla.js'));
    // The page docs/browser.md shows, served from one origin (playwright answers the requests).
    const html = `<!doctype html><script type="module">
      import { io, models, tensor } from './nabla.js';
      const x = tensor.randomUniform([256, 2], 0, 1, { generator: new tensor.Random(0) });
      const y = Int32Array.from({ length: 256 }, (_, i) => (x.get(i, 1) > x.get(i, 0) ? 1 : 0));
      const { net } = await models.trainNetwork({ x, y }, models.mlpLayers([2, 16, 2]),
        models.trainingOptions('adam', { maxEpochs: 25, miniBatchSize: 32, initialLearnRate: 0.01, verbose: false }));
      const bytes = io.encodeSafetensors(net.stateDict());
      const copy = models.mlp([2, 16, 2]);
      copy.loadStateDict(io.decodeSafetensors(bytes).tensors);
      const { labels } = models.classify(copy, x);
      window.result = { accuracy: models.accuracy(labels, y), bytes: bytes.length };
    </script>`;
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.route('http://nabla.test/**', (route) => {
      const file = new URL(route.request().url()).pathname;
      if (file === '/') return route.fulfill({ contentType: 'text/html', body: html });
      if (file === '/nabla.js') {
        return route.fulfill({
          contentType: 'text/javascript',
          body: readFileSync(join(dir, 'nabla.js'), 'utf8'),
        });
      }
      return route.fulfill({ status: 404, body: 'not found' });
    });
    await page.goto('http://nabla.test/');
    await page
      .waitForFunction(() => 'result' in globalThis, null, { timeout: 60_000 })
      .catch(() => {
        throw new Error(`the page did not finish: ${errors.join('; ')}`);
      });
    const result = (await page.evaluate(() => (globalThis as unknown as { result: unknown }).result)) as {
      accuracy: number;
      bytes: number;
    };
    assert.deepEqual(errors, []);
    assert.ok(result.accuracy > 0.9, `accuracy ${result.accuracy}`);
    assert.ok(result.bytes > 0);
    await page.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('Ctrl-C stops the server and then ends the process as SIGINT would have', async (t) => {
  const { spawn } = await import('node:child_process');
  const script = `
    import { serveTrainingProgress } from './src/node/training-progress-server.ts';
    await serveTrainingProgress({ title: 't', totalIterations: 10, log: (l) => console.log(l) });
    setInterval(() => {}, 1000); // training would keep the process busy
  `;
  const child = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', '--input-type=module', '-e', script],
    {
      cwd: join(dirname(new URL(import.meta.url).pathname), '../..'),
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  // Never leave the child behind, whatever happens below.
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  t.after(() => {
    clearTimeout(timer);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /training progress: (\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.on('exit', () => reject(new Error(`exited before serving: ${stderr}`)));
  });
  assert.equal((await fetch(url)).status, 200);
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  child.kill('SIGINT');
  assert.deepEqual(await exited, { code: null, signal: 'SIGINT' });
  await assert.rejects(fetch(url));
});
