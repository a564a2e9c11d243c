/**
 * Test support (Node only, not part of the built package): bundles a browser entry with esbuild,
 * serves it from 127.0.0.1 with cross-origin isolation headers, and opens it in Debian's headless
 * Chromium through playwright-core, pinned to the SwiftShader software renderer (../shared/GPU.md).
 * If Chromium cannot start, this throws with what to install: a GL test must fail, never skip.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before } from 'node:test';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import sirv from 'sirv';

export const CHROMIUM_PATH = process.env.NABLA_CHROMIUM ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export interface BrowserPage {
  page: Page;
  url: string;
  /** Console errors and uncaught exceptions seen so far. */
  errors: string[];
  close(): Promise<void>;
}

/** Bundles `entry` (a TypeScript module) for the browser into `dir` as entry.js, with an index.html. */
export async function bundleForBrowser(entry: string, dir: string): Promise<void> {
  await build({
    entryPoints: { entry },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    // Our packages resolve to their TypeScript sources, as in the Node tests: no build step needed.
    conditions: ['source'],
    outdir: dir,
    sourcemap: 'linked',
    // Unminified, so gpu.js parses our kernel functions' source as written.
    minify: false,
    logLevel: 'error',
  });
  await writeFile(
    join(dir, 'index.html'),
    '<!doctype html><html><head><meta charset="utf-8"><title>nabla gpu test</title><link rel="icon" href="data:,"></head>' +
      '<body><script type="module" src="./entry.js"></script></body></html>',
  );
}

/** A static file server (sirv) on 127.0.0.1 (an ephemeral port) with COOP/COEP, so the page is cross-origin isolated. */
export async function serveDirectory(dir: string): Promise<{ server: Server; url: string }> {
  const files = sirv(dir, {
    dev: true,
    etag: false,
    setHeaders: (res) => {
      res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
      res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
      res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
      res.setHeader('Cache-Control', 'no-store');
    },
  });
  const server = createServer((req, res) => files(req, res, () => res.writeHead(404).end('not found')));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}/` };
}

/**
 * Bundles `entry`, serves it, opens it in headless Chromium and waits until the page sets
 * `globalThis[readyFlag]`. The caller drives the page with `page.evaluate` and must `close()`.
 */
export async function openInChromium(entry: string, readyFlag: string): Promise<BrowserPage> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `headless Chromium not found at ${CHROMIUM_PATH}: install Debian's chromium ` +
        '(apt-get install -y chromium; .ci/run does this) or set NABLA_CHROMIUM to a Chromium binary',
    );
  }
  const dir = await mkdtemp(join(tmpdir(), 'nabla-gpu-page-'));
  const profile = await mkdtemp(join(tmpdir(), 'nabla-gpu-profile-'));
  let server: Server | undefined;
  let context: BrowserContext | undefined;
  const cleanup = async () => {
    await context?.close().catch(() => undefined);
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await rm(dir, { recursive: true, force: true });
    await rm(profile, { recursive: true, force: true });
  };
  try {
    await bundleForBrowser(entry, dir);
    const served = await serveDirectory(dir);
    server = served.server;
    try {
      context = await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM_PATH,
        headless: true,
        args: CHROMIUM_ARGS,
      });
    } catch (e) {
      throw new Error(`headless Chromium at ${CHROMIUM_PATH} did not start: ${(e as Error).message}`);
    }
    const page = context.pages()[0] ?? (await context.newPage());
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(String(e.stack ?? e)));
    await page.goto(served.url);
    await page.waitForFunction((flag) => (globalThis as Record<string, unknown>)[flag] === true, readyFlag, {
      timeout: 60_000,
    });
    return { page, url: served.url, errors, close: cleanup };
  } catch (e) {
    await cleanup();
    throw e;
  }
}

/**
 * For a `describe` of browser tests: opens `entry` in headless Chromium before its tests and closes
 * it after them. The returned function gives the open page; when the browser could not start it
 * fails the test calling it with the reason (never a skip).
 */
export function chromiumPageForSuite(entry: string, readyGlobal: string): () => BrowserPage {
  let opened: BrowserPage | undefined;
  let launchError = '';
  before(async () => {
    try {
      opened = await openInChromium(entry, readyGlobal);
    } catch (e) {
      launchError = (e as Error).message;
    }
  });
  after(async () => {
    await opened?.close();
  });
  return () => {
    if (!opened) assert.fail(`could not open the test page in headless Chromium: ${launchError}`);
    return opened;
  };
}
