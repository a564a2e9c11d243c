/**
 * The prebuilt browser bundle: every library package in one ES module, each under its own
 * namespace (their names overlap: tensor's conv2d is not autograd's), for a page that loads Nabla
 * with <script type="module"> and no bundler. `pnpm build` writes it to dist/browser/nabla.js.
 * Bundled from the TypeScript sources (the 'source' export condition), so it needs no prior build.
 */
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

export const BROWSER_PACKAGES = ['tensor', 'autograd', 'layers', 'optim', 'data', 'io', 'models'];

/** Writes the bundle to `outfile`; returns its size in bytes. */
export async function buildBrowserBundle(outfile) {
  const result = await build({
    stdin: {
      contents: BROWSER_PACKAGES.map((p) => `export * as ${p} from '@nabla/${p}';`).join('\n'),
      resolveDir: new URL('..', import.meta.url).pathname,
      sourcefile: 'nabla-browser-entry.js',
    },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    conditions: ['source'],
    minify: true,
    sourcemap: false, // each module's own map ships in dist/; a map of the bundle would add 1 MB
    legalComments: 'none',
    outfile,
    metafile: true,
    logLevel: 'warning',
    // tensor's `import './cpu/index.js'` is kept for its exports; the cpu backend registers itself in backend.ts.
    logOverride: { 'ignored-bare-import': 'silent' },
  });
  return Object.values(result.metafile.outputs).find((o) => o.entryPoint)?.bytes ?? 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const bytes = await buildBrowserBundle(new URL('../dist/browser/nabla.js', import.meta.url).pathname);
  console.log(`dist/browser/nabla.js: ${(bytes / 1024).toFixed(0)} KB`);
}
