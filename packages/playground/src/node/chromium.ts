/// <reference types="node" />
/**
 * Headless Chromium for the playground's test, the way @nabla/gpu's tests start it
 * (../shared/GPU.md): Debian's /usr/bin/chromium through playwright-core (never
 * `playwright install`), a fresh profile, no network chatter, SwiftShader pinned as the WebGL
 * renderer. If Chromium cannot start this throws with what to install: the test fails, never skips.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';

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

export interface Browser {
  page: Page;
  /** Console errors and uncaught exceptions seen so far. */
  errors: string[];
  close(): Promise<void>;
}

export async function launchChromium(viewport = { width: 1280, height: 900 }): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `headless Chromium not found at ${CHROMIUM_PATH}: install Debian's chromium ` +
        '(apt-get install -y chromium; .ci/run does this) or set NABLA_CHROMIUM to a Chromium binary',
    );
  }
  const profile = await mkdtemp(join(tmpdir(), 'nabla-playground-profile-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport,
    });
  } catch (e) {
    await rm(profile, { recursive: true, force: true });
    throw new Error(`headless Chromium at ${CHROMIUM_PATH} did not start: ${(e as Error).message}`);
  }
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e.stack ?? e)));
  return {
    page,
    errors,
    close: async () => {
      await context.close().catch(() => undefined);
      await rm(profile, { recursive: true, force: true });
    },
  };
}
