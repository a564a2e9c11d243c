import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { encodeIdx } from '../idx.js';
import { readIdxFile } from './read-idx-file.js';

const dir = mkdtempSync(join(tmpdir(), 'nabla-idx-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('readIdxFile reads raw and .gz files and names the path in its refusals', () => {
  const array = { dtype: 'int32' as const, shape: [2, 2], data: Int32Array.from([1, -2, 3, 2 ** 31 - 1]) };
  writeFileSync(join(dir, 'a.idx'), encodeIdx(array));
  writeFileSync(join(dir, 'a.idx.gz'), encodeIdx(array, { gzip: true }));
  for (const name of ['a.idx', 'a.idx.gz']) {
    const read = readIdxFile(join(dir, name));
    assert.deepEqual([...read.data], [...array.data]);
    assert.deepEqual(read.shape, [2, 2]);
    assert.equal(read.source, join(dir, name));
  }
  writeFileSync(join(dir, 'cut.idx'), encodeIdx(array).subarray(0, 20));
  assert.throws(() => readIdxFile(join(dir, 'cut.idx')), {
    name: 'FormatError',
    message: new RegExp(
      `^${join(dir, 'cut.idx')}: not a valid IDX file: truncated: \\[2,2\\] int32 needs 28 bytes`,
    ),
  });
  assert.throws(() => readIdxFile(join(dir, 'missing.idx')), {
    name: 'ValueError',
    message: new RegExp(`^readIdxFile: cannot read ${join(dir, 'missing.idx')}: no such file`),
  });
  assert.throws(() => readIdxFile(dir), { message: /is a directory/ });
});

test('readIdxFile refuses a device, a FIFO and an oversized file before reading a byte', async () => {
  const { execFileSync } = await import('node:child_process');
  const { truncateSync } = await import('node:fs');
  assert.throws(() => readIdxFile('/dev/zero'), /cannot read \/dev\/zero: not a regular file/);
  const fifo = join(dir, 'fifo-idx');
  execFileSync('mkfifo', [fifo]);
  assert.throws(() => readIdxFile(fifo), /fifo-idx: not a regular file/);
  const big = join(dir, 'big-idx');
  writeFileSync(big, '');
  truncateSync(big, 2 ** 31); // sparse
  assert.throws(() => readIdxFile(big), /big-idx: 2147483648 bytes is more than the limit of 1073741824/);
});
