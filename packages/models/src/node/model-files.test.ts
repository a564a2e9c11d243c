import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { Random } from '@nabla/tensor';
import * as nd from '@nabla/tensor';
import { mlpLayers } from '../mlp.js';
import { assembleNetwork } from '../network.js';
import { loadModelFiles, saveModelFiles } from './index.js';

const dir = mkdtempSync(join(tmpdir(), 'nabla-model-files-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('saveModelFiles writes model.json and model.safetensors atomically; loadModelFiles reads them back', async () => {
  const net = assembleNetwork(mlpLayers([5, 4, 3], { normalization: 'zerocenter' }), {
    generator: new Random(4),
  });
  net.fitNormalization(nd.randomUniform([6, 5], 0, 1, 'float32', new Random(5)));
  const out = join(dir, 'run', 'nested');
  await saveModelFiles(out, net, { model: 'mlp' });
  assert.deepEqual(readdirSync(out).sort(), ['model.json', 'model.safetensors']);
  const { net: back, meta } = await loadModelFiles(out);
  assert.equal(meta.model, 'mlp');
  const x = nd.randomUniform([2, 5], 0, 1, 'float32', new Random(6));
  net.eval();
  assert.deepEqual(back.predict(x).toArray(), net.predict(x).toArray());
});

test('loadModelFiles refuses a FIFO, a device and an oversized model.json before reading them', async () => {
  const fifo = join(dir, 'fifo');
  mkdirSync(fifo);
  execFileSync('mkfifo', [join(fifo, 'model.json')]);
  await assert.rejects(loadModelFiles(fifo), /fifo\/model\.json: cannot read: not a regular file/);
  const big = join(dir, 'big');
  mkdirSync(big);
  writeFileSync(join(big, 'model.json'), '');
  truncateSync(join(big, 'model.json'), 2 ** 30); // sparse
  await assert.rejects(
    loadModelFiles(big),
    /big\/model\.json: cannot read: 1073741824 bytes is more than the 16777216/,
  );
});
