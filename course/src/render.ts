import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type DemoOutput, writeDemoOutput } from './output.js';

/**
 * `pnpm --filter @nabla/course render [name …]`: runs every demo renderer (src/demos/*.render.ts,
 * each exporting `render(): Promise<DemoOutput | DemoOutput[]>`), or only those named, and writes
 * their outputs to docs/generated/. Commit the outputs with the code that produced them.
 */
const demosDir = join(dirname(fileURLToPath(import.meta.url)), 'demos');
const wanted = process.argv.slice(2);
const files = readdirSync(demosDir)
  .filter((file) => file.endsWith('.render.ts'))
  .filter((file) => wanted.length === 0 || wanted.includes(file.replace(/\.render\.ts$/, '')))
  .sort();
if (wanted.length > 0 && files.length !== wanted.length) {
  console.error(`render: unknown demo among ${wanted.join(', ')}`);
  process.exit(2);
}
for (const file of files) {
  const name = file.replace(/\.render\.ts$/, '');
  const started = Date.now();
  const module = (await import(pathToFileURL(join(demosDir, file)).href)) as {
    render(): Promise<DemoOutput | DemoOutput[]>;
  };
  const outputs = [await module.render()].flat();
  for (const output of outputs) {
    await writeDemoOutput(output, `pnpm --filter @nabla/course render ${name}`);
  }
  console.log(
    `${name}: ${outputs.map((o) => o.name).join(', ')} (${((Date.now() - started) / 1000).toFixed(1)} s)`,
  );
}
