import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { encode as encodePng } from 'fast-png';
import { encode as encodeJpeg } from 'jpeg-js';
import { imageDatastore } from './image-folder.js';

const root = mkdtempSync(join(tmpdir(), 'nabla-images-'));
after(() => rmSync(root, { recursive: true, force: true }));

function folder(name: string, files: Record<string, Uint8Array | string>): string {
  const dir = join(root, name);
  for (const [path, bytes] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), bytes);
  }
  return dir;
}

const png = (v: number) => encodePng({ width: 5, height: 3, channels: 3, data: new Uint8Array(45).fill(v) });
const jpeg = (v: number) => {
  const data = new Uint8Array(8 * 8 * 4).fill(v);
  return new Uint8Array(encodeJpeg({ width: 8, height: 8, data }, 90).data);
};

test('one sub-folder per class (sorted), PNG and JPEG read, other files ignored, resized to the input', () => {
  const dir = folder('pets', {
    'dog/a.png': png(50),
    'dog/b.JPG': jpeg(200),
    'cat/c.jpeg': jpeg(100),
    'cat/readme.txt': 'not a picture',
  });
  const ds = imageDatastore(dir, { outputSize: [6, 6, 3] });
  assert.deepEqual(ds.classes, ['cat', 'dog']);
  assert.deepEqual(
    ds.files.map((f) => f.slice(dir.length + 1)),
    ['cat/c.jpeg', 'dog/a.png', 'dog/b.JPG'],
  );
  assert.deepEqual([...ds.labels], [0, 1, 1]);
  assert.deepEqual(ds.images.shape, [3, 3, 6, 6]);
  assert.deepEqual(ds.countEachLabel(), [
    { label: 'cat', count: 1 },
    { label: 'dog', count: 2 },
  ]);
});

test('an empty class folder and an unreadable picture are refused by name, or skipped with a count', () => {
  const dir = folder('bad', {
    'a/1.png': png(1),
    'b/.keep': '',
    'c/broken.png': new Uint8Array([0x89, 0x50, 0x4e, 0x47]),
  });
  assert.throws(
    () => imageDatastore(dir, { outputSize: [3, 3, 3] }),
    /the class folder .*bad\/b holds no PNG or JPEG pictures/,
  );
  const skip = imageDatastore(dir, { outputSize: [3, 3, 3], onBadFile: 'skip' });
  assert.deepEqual(skip.classes, ['a', 'c']);
  assert.equal(skip.length, 1);
  assert.deepEqual(
    skip.skipped.map((s) => s.file.slice(dir.length + 1)),
    ['c/broken.png', 'b'],
  );
  const only = folder('broken-only', {
    'a/1.png': png(1),
    'c/broken.png': new Uint8Array([0x89, 0x50, 0x4e, 0x47]),
  });
  assert.throws(
    () => imageDatastore(only, { outputSize: [3, 3, 3] }),
    /c\/broken\.png: not a PNG or JPEG image/,
  );
});
