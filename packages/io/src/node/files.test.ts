import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { FormatError, tensor } from '@nabla/tensor';
import { encodeSafetensors } from '../index.js';
import { loadCheckpoint, loadSafetensors, saveCheckpoint, saveSafetensors } from './index.js';

const dir = mkdtempSync(join(tmpdir(), 'nabla-io-files-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('saveSafetensors writes the encoded bytes; loadSafetensors reads them back', async () => {
  const path = join(dir, 'w.safetensors');
  const tensors = { 'fc.weight': tensor([[1, 2]]), 'fc.bias': tensor([3]) };
  await saveSafetensors(path, tensors, { epoch: '1' });
  assert.deepEqual(new Uint8Array(readFileSync(path)), encodeSafetensors(tensors, { epoch: '1' }));
  const back = await loadSafetensors(path);
  assert.deepEqual(back.tensors.get('fc.weight'), tensors['fc.weight']);
  assert.deepEqual(back.metadata, { epoch: '1' });
});

test('a missing file, a directory, or a corrupted file is a FormatError naming the path', async () => {
  const missing = join(dir, 'nope.safetensors');
  await assert.rejects(
    loadSafetensors(missing),
    (e: unknown) => e instanceof FormatError && e.message === `${missing}: cannot read: no such file`,
  );
  await assert.rejects(
    loadCheckpoint(dir),
    (e: unknown) => e instanceof FormatError && /is a directory/.test(e.message),
  );
  const bad = join(dir, 'bad.safetensors');
  writeFileSync(bad, new Uint8Array([3, 0, 0, 0, 0, 0, 0, 0, 0x7b]));
  await assert.rejects(
    loadSafetensors(bad),
    (e: unknown) => e instanceof FormatError && e.message.startsWith(`${bad}: header length 3`),
  );
});

test('saveCheckpoint/loadCheckpoint round trip; a flipped data byte on disk is refused', async () => {
  const path = join(dir, 'epoch-1.ckpt.safetensors');
  await saveCheckpoint(path, { weights: { w: tensor([1, 2, 3]) }, optimizer: {}, state: { epoch: 1 } });
  const back = await loadCheckpoint<{ epoch: number }>(path);
  assert.equal(back.state.epoch, 1);
  assert.deepEqual([...back.weights.get('w')!.data], [1, 2, 3]);
  const bytes = readFileSync(path);
  bytes[bytes.length - 1]! ^= 0x01;
  writeFileSync(path, bytes);
  await assert.rejects(loadCheckpoint(path), /checkpoint is corrupted/);
});

test('a loader refuses what is not a regular file, and a file over its cap, before reading it', async () => {
  const { execFileSync } = await import('node:child_process');
  const { symlinkSync, truncateSync } = await import('node:fs');
  const { readFileForLoad, readFileForLoadSync } = await import('./index.js');
  const fifo = join(dir, 'fifo.safetensors');
  execFileSync('mkfifo', [fifo]);
  // A FIFO with no writer: opening it for reading would block for ever without O_NONBLOCK.
  await assert.rejects(loadSafetensors(fifo), /fifo\.safetensors: cannot read: not a regular file/);
  const zero = join(dir, 'zero.safetensors');
  symlinkSync('/dev/zero', zero);
  await assert.rejects(loadSafetensors(zero), /zero\.safetensors: cannot read: not a regular file/);
  assert.throws(() => readFileForLoadSync(zero), FormatError);
  const big = join(dir, 'big.json');
  writeFileSync(big, '');
  truncateSync(big, 2 ** 30); // sparse: no disk used, and never read
  await assert.rejects(
    readFileForLoad(big, { maxBytes: 1024, what: 'model description' }),
    /big\.json: cannot read: 1073741824 bytes is more than the 1024 bytes a model description may have/,
  );
  await assert.rejects(readFileForLoad(dir), /is a directory/);
  const small = join(dir, 'small.bin');
  writeFileSync(small, new Uint8Array([1, 2, 3]));
  assert.deepEqual(await readFileForLoad(small, { maxBytes: 3 }), new Uint8Array([1, 2, 3]));
  assert.deepEqual(readFileForLoadSync(small), new Uint8Array([1, 2, 3]));
});
