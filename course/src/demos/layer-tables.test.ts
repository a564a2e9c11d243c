import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { GENERATED_DIR } from '../output.js';
import { layerTableMarkdown, layerTables } from './layer-tables.js';

const t = layerTables();

test("AlexNet's table: 25 layers, 60,965,224 learnables, the paper's sizes", () => {
  assert.equal(t.alexnet.rows.length, 25);
  assert.equal(t.alexnet.totalLearnables, 60_965_224);
  assert.equal(
    t.alexnet.rows.reduce((s, r) => s + r.learnables, 0),
    60_965_224,
  );
  const size = (name: string) => t.alexnet.rows.find((r) => r.name === name)!.outputSize;
  assert.deepEqual(['conv1', 'pool1', 'conv2', 'pool2', 'conv3', 'conv5', 'pool5', 'fc6', 'fc8'].map(size), [
    '55×55×96',
    '27×27×96',
    '27×27×256',
    '13×13×256',
    '13×13×384',
    '13×13×256',
    '6×6×256',
    '4096',
    '1000',
  ]);
  // conv1: 96 filters of 11×11×3 plus 96 biases; fc6: 9216·4096 + 4096.
  assert.equal(t.alexnet.rows.find((r) => r.name === 'conv1')!.learnables, 96 * 11 * 11 * 3 + 96);
  assert.equal(t.alexnet.rows.find((r) => r.name === 'fc6')!.learnables, 9216 * 4096 + 4096);
  assert.ok(layerTableMarkdown(t.alexnet).includes('**60,965,224**'));
  // alexnet.md: 58.6 million (96%) of the learnables are in fc6, fc7 and fc8.
  const fc = t.alexnet.rows.filter((r) => r.name.startsWith('fc')).reduce((a, r) => a + r.learnables, 0);
  assert.equal(fc, 58_631_144);
  assert.equal(Math.round((100 * fc) / t.alexnet.totalLearnables), 96);
});

test("LeNet's table: 180,880 learnables", () => {
  assert.equal(t.lenet.totalLearnables, 180_880);
  assert.equal(t.lenet.rows.at(-1)!.outputSize, '10');
});

test('the committed docs/generated/{lenet,alexnet}-layers.json equal a fresh table', () => {
  for (const name of ['lenet', 'alexnet'] as const) {
    const path = join(GENERATED_DIR, `${name}-layers.json`);
    assert.ok(existsSync(path), 'run `pnpm --filter @nabla/course render layer-tables`');
    assert.deepEqual(JSON.parse(readFileSync(path, 'utf8')).figures, t[name]);
  }
});
