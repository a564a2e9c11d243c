/**
 * Trains the LeNet that the live demo `lenet-conv1` loads, with the CLI a reader would use, and
 * publishes it in docs/public/models/lenet-mnist/ (the site serves that folder as is):
 *
 *   pnpm --filter @nabla/docs lenet-model
 *
 * runs `nabla train lenet` with its defaults (the course's LeNet, 7,500 / 2,500 of MNIST's first
 * 10,000 training digits, 3 epochs of sgdm, then the official 10,000 test digits) on one thread, so
 * the run is bit-reproducible, and copies model.json and model.safetensors next to provenance.json:
 * the command, the commit, the machine, the CLI's test accuracy and both files' SHA-256.
 * A trained model is committed rather than trained in the page because a useful LeNet takes about
 * a minute of CPU (too long to make a reader wait, and too long for the page's test), and because the
 * demo is about what a trained conv1 sees, not about training (the playground trains in the page).
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { provenance } from '@nabla/examples/provenance';
import { writeFileAtomicSync } from '@nabla/io/node';

const DOCS = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ROOT = resolve(DOCS, '..');
export const LENET_MODEL_DIR = join(DOCS, 'public', 'models', 'lenet-mnist');
const CLI = join(ROOT, 'packages', 'cli', 'dist', 'main.js');
const ARGS = ['train', 'lenet', '--seed', '0', '--threads', '1', '--backend', 'wasm', '--quiet'];

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function main(): void {
  const run = mkdtempSync(join(tmpdir(), 'nabla-lenet-model-'));
  try {
    const started = Date.now();
    const result = spawnSync(process.execPath, [CLI, ...ARGS, '--out', run], {
      cwd: ROOT,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    if (result.status !== 0) throw new Error(`nabla ${ARGS.join(' ')} exited with ${result.status}`);
    const seconds = (Date.now() - started) / 1000;
    const all = JSON.parse(readFileSync(join(run, 'metrics.json'), 'utf8')) as Record<string, unknown>;
    // The run's summary; the per-iteration history and the confusion matrix stay out (tens of KB).
    const metrics = Object.fromEntries(Object.entries(all).filter(([, v]) => !Array.isArray(v)));
    mkdirSync(LENET_MODEL_DIR, { recursive: true });
    const files: Record<string, string> = {};
    for (const name of ['model.json', 'model.safetensors']) {
      const bytes = readFileSync(join(run, name));
      writeFileAtomicSync(join(LENET_MODEL_DIR, name), bytes);
      files[name] = sha256(bytes);
    }
    const record = {
      provenance: { ...provenance(`nabla ${ARGS.join(' ')}`, 1), backend: 'wasm (the CLI flag)' },
      regenerate: 'pnpm --filter @nabla/docs lenet-model',
      seconds,
      metrics,
      sha256: files,
    };
    writeFileAtomicSync(
      join(LENET_MODEL_DIR, 'provenance.json'),
      new TextEncoder().encode(`${JSON.stringify(record, null, 2)}\n`),
    );
    console.log(`wrote ${LENET_MODEL_DIR} (${seconds.toFixed(1)} s)`);
  } finally {
    rmSync(run, { recursive: true, force: true });
  }
}

main();
