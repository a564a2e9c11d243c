import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { mnistSlice, runNabla, tempDir, writeIdxPair } from './testing/fixtures.js';

const dir = tempDir('nabla-plots-');
after(() => rmSync(dir, { recursive: true, force: true }));

test('nabla train --plots training-progress serves the live chart on 127.0.0.1, says where, and still exits', async () => {
  const trainSet = writeIdxPair(dir, 'train', mnistSlice(0, 256));
  const testSet = writeIdxPair(dir, 'test', mnistSlice(5000, 100));
  const r = await runNabla([
    'train',
    'mlp',
    ...['--train-images', trainSet.images, '--train-labels', trainSet.labels],
    ...['--test-images', testSet.images, '--test-labels', testSet.labels],
    ...['--train-size', '192', '--val-size', '64', '--batch-size', '32', '--epochs', '1'],
    ...['--out', join(dir, 'run'), '--quiet', '--plots', 'training-progress'],
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^training progress: http:\/\/127\.0\.0\.1:\d+\/$/m);
  const refused = await runNabla(['train', 'mlp', '--plots', 'window']);
  assert.notEqual(refused.code, 0);
  assert.match(refused.stderr, /--plots.*window.*training-progress/s);
});
