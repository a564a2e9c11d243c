/// <reference types="node" />
import { copyFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const SRC = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Bundles the page (src/main.ts and everything it imports: our packages from their TypeScript
 * sources, gpu.js, vega, vega-lite, vega-embed) into `outDir`/main.js with esbuild, next to a
 * copy of src/index.html. The page needs nothing else but the MNIST files the server adds.
 */
export async function buildPage(outDir: string, options: { minify?: boolean } = {}): Promise<void> {
  await mkdir(outDir, { recursive: true });
  await build({
    entryPoints: { main: join(SRC, 'main.ts') },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    // Our packages resolve to their TypeScript sources, as in the Node tests: no build step first.
    conditions: ['source'],
    outdir: outDir,
    sourcemap: 'linked',
    // gpu.js turns kernel functions' source text into shaders: minifying would rename what it parses.
    minify: options.minify ?? false,
    logLevel: 'error',
  });
  await copyFile(join(SRC, 'index.html'), join(outDir, 'index.html'));
}
