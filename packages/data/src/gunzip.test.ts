import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FormatError } from '@nabla/tensor';
import { propertyParameters } from '@nabla/tensor/testing';
import fc from 'fast-check';
import { gzipSync } from 'fflate';
import { gunzip, isGzip } from './gunzip.js';

// A fresh seed each run, printed; NABLA_SEED=<seed> replays it (see @nabla/tensor/testing).
fc.configureGlobal(propertyParameters());

test('gunzip inverts gzip, with and without a file name in the header', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), fc.boolean(), (data, named) => {
      const gz = gzipSync(data, named ? { filename: 'x.idx', mtime: 0 } : {});
      assert.ok(isGzip(gz));
      assert.deepEqual(gunzip(gz), data);
    }),
  );
});

test('gunzip refuses a wrong CRC, a wrong length, truncation and a bad method, naming the source', () => {
  const data = new TextEncoder().encode('0123456789'.repeat(20));
  const gz = gzipSync(data);
  const crc = gz.slice();
  crc[gz.length - 8]! ^= 1;
  assert.throws(() => gunzip(crc, 'f.gz'), { name: 'FormatError', message: /f\.gz: .*CRC-32 mismatch/ });
  const len = gz.slice();
  len[gz.length - 4]! ^= 1;
  assert.throws(() => gunzip(len, 'f.gz'), {
    name: 'FormatError',
    message: /trailer says 201 uncompressed bytes.*200/,
  });
  assert.throws(() => gunzip(gz.subarray(0, gz.length - 3), 'f.gz'), FormatError);
  assert.throws(() => gunzip(gz.subarray(0, 12), 'f.gz'), { message: /truncated/ });
  const method = gz.slice();
  method[2] = 7;
  assert.throws(() => gunzip(method, 'f.gz'), { message: /compression method 7/ });
  assert.throws(() => gunzip(new Uint8Array([1, 2, 3]), 'f.gz'), { message: /wrong magic/ });
});
