import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { tempPathFor, writeFileAtomic, writeFileAtomicSync } from './atomic-write.js';

const dir = mkdtempSync(join(tmpdir(), 'nabla-io-atomic-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('writes a new file and replaces an existing one, leaving no temp file behind', async () => {
  const path = join(dir, 'a.bin');
  await writeFileAtomic(path, new Uint8Array([1, 2, 3]));
  assert.deepEqual([...readFileSync(path)], [1, 2, 3]);
  writeFileAtomicSync(path, new Uint8Array([4, 5]));
  assert.deepEqual([...readFileSync(path)], [4, 5]);
  await writeFileAtomic(path, new Uint8Array(0));
  assert.equal(readFileSync(path).length, 0);
  assert.deepEqual(readdirSync(dir), ['a.bin']);
});

test('a writer that crashed before its rename leaves the target untouched; the next write still works', async () => {
  const path = join(dir, 'ckpt.bin');
  await writeFileAtomic(path, new Uint8Array([7, 7, 7, 7]));
  // What a crash between write and rename leaves: a partial temp file beside the intact target.
  const stray = tempPathFor(path);
  writeFileSync(stray, new Uint8Array([9, 9]));
  assert.deepEqual([...readFileSync(path)], [7, 7, 7, 7]);
  await writeFileAtomic(path, new Uint8Array([8, 8, 8, 8, 8]));
  assert.deepEqual([...readFileSync(path)], [8, 8, 8, 8, 8]);
  assert.deepEqual([...readFileSync(stray)], [9, 9], 'another writer’s temp file is not ours to touch');
  rmSync(stray);
});

test('a failed write throws and removes its temp file (target a directory; missing directory)', async () => {
  const sub = join(dir, 'sub');
  mkdirSync(join(sub, 'target'), { recursive: true });
  await assert.rejects(
    writeFileAtomic(join(sub, 'target'), new Uint8Array([1])),
    /EISDIR|EEXIST|ENOTEMPTY|EPERM/,
  );
  assert.throws(
    () => writeFileAtomicSync(join(sub, 'target'), new Uint8Array([1])),
    /EISDIR|EEXIST|ENOTEMPTY|EPERM/,
  );
  assert.deepEqual(readdirSync(sub), ['target']);
  await assert.rejects(writeFileAtomic(join(dir, 'no', 'such', 'dir.bin'), new Uint8Array([1])), /ENOENT/);
});

test('SIGKILL at any moment leaves the old complete file or the new complete file, never a torn one', async () => {
  const path = join(dir, 'killed.bin');
  const size = 4 << 20;
  writeFileSync(path, new Uint8Array(size).fill(0x41));
  const script = join(dir, 'writer.mjs');
  const module = pathToFileURL(join(import.meta.dirname, 'atomic-write.ts')).href;
  // The child rewrites the file forever, alternating two contents; we kill it mid-flight.
  writeFileSync(
    script,
    `import { writeFileAtomicSync } from ${JSON.stringify(module)};
const a = new Uint8Array(${size}).fill(0x41), b = new Uint8Array(${size}).fill(0x42);
process.stdout.write('ready\\n');
for (let i = 0; ; i++) writeFileAtomicSync(${JSON.stringify(path)}, i % 2 ? a : b);`,
  );
  for (const delayMs of [0, 15, 40, 90]) {
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    await new Promise((r) => setTimeout(r, delayMs));
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
    const bytes = readFileSync(path);
    assert.equal(bytes.length, size, `after a kill at +${delayMs} ms the file has ${bytes.length} bytes`);
    assert.ok(bytes.every((x) => x === bytes[0]) && (bytes[0] === 0x41 || bytes[0] === 0x42), 'torn content');
  }
  // Only temp files of the killed writers may lie beside the target.
  for (const name of readdirSync(dir).filter((n) => n.startsWith('.killed.bin.')))
    assert.match(name, /\.tmp$/);
});
