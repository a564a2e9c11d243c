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
