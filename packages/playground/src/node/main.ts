/// <reference types="node" />
/**
 * `pnpm playground`: builds the page into packages/playground/dist and serves it on
 * 127.0.0.1 (port 5180, or --port N; the next free one if taken), printing the URL.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildPage } from './build-page.js';
import { servePage } from './serve-page.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist');
const args = process.argv.slice(2);
const at = args.indexOf('--port');
const port = at >= 0 ? Number(args[at + 1]) : 5180;
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`playground: --port must be a port number, got '${args[at + 1]}'`);
  process.exit(2);
}

await buildPage(root);
let served: Awaited<ReturnType<typeof servePage>>;
try {
  served = await servePage({ root, port });
} catch (e) {
  if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw e;
  served = await servePage({ root, port: 0 });
  console.log(`playground: port ${port} is taken; using another`);
}
console.log(`playground: serving ${root}`);
console.log(`playground: open ${served.url}   (Ctrl-C to stop)`);
