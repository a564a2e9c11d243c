import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FormatError } from '@nabla/tensor';
import fc from 'fast-check';
import { deflateSync, gzipSync } from 'fflate';
import { gunzip, isGzip } from './gunzip.js';
import { parseIdx } from './idx.js';

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

/** A gzip file of `mib` MiB of zeros, cheaply: one MiB deflated with a full flush, repeated. */
function zerosGzip(prefix: Uint8Array, mib: number): Uint8Array {
  // Stored (uncompressed) block for the prefix, then fixed-Huffman blocks of zeros from fflate.
  const head = new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]);
  const stored = new Uint8Array(5 + prefix.length);
  stored[0] = 0; // BFINAL 0, BTYPE 00 (stored), byte-aligned
  stored[1] = prefix.length & 0xff;
  stored[2] = prefix.length >> 8;
  stored[3] = ~prefix.length & 0xff;
  stored[4] = (~prefix.length >> 8) & 0xff;
  stored.set(prefix, 5);
  // An empty stored block after each MiB keeps the stream byte-aligned between the copies.
  const raw = deflateSync(new Uint8Array(2 ** 20), { level: 9 });
  const body = new Uint8Array(raw.length);
  body.set(raw);
  body[0]! &= 0xfe; // clear BFINAL of the first block (fflate writes one final block for zeros)
  const align = new Uint8Array([0x00, 0x00, 0x00, 0xff, 0xff]); // non-final empty stored block
  const parts = [head, stored];
  for (let i = 0; i < mib; i++) parts.push(body, align);
  parts.push(new Uint8Array([0x03, 0x00]), new Uint8Array(8)); // empty final block; CRC/size unchecked
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

test('gunzip stops a bomb: the output is counted as it grows and refused past the cap', () => {
  const gz = zerosGzip(new Uint8Array(0), 64); // 64 MiB of zeros in ~70 KB
  assert.throws(
    () => gunzip(gz, 'bomb.gz', { maxBytes: 2 ** 20 }),
    (e: unknown) =>
      e instanceof FormatError &&
      /bomb\.gz: inflates to more than the limit of 1048576 bytes/.test((e as Error).message),
  );
});

test('parseIdx inflates a .gz only as far as its header declares, and refuses an oversized declaration', () => {
  const header = new Uint8Array([0, 0, 0x08, 1, 0, 0, 0, 100]); // uint8 [100]
  assert.throws(
    () => parseIdx(zerosGzip(header, 64), 'long.gz'),
    (e: unknown) =>
      e instanceof FormatError &&
      /long\.gz: inflates to more than the 108 bytes its header declares/.test((e as Error).message),
  );
  const huge = new Uint8Array([0, 0, 0x08, 2, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
  assert.throws(
    () => parseIdx(zerosGzip(huge, 1), 'huge.gz'),
    /huge\.gz: not a valid IDX file: its header declares \[4294967295,4294967295\] uint8, .* more than the limit/,
  );
  // Zeros from the first byte: the type code is refused as soon as it is inflated.
  assert.throws(
    () => parseIdx(zerosGzip(new Uint8Array(0), 64), 'zeros.gz'),
    /zeros\.gz: not a valid IDX file: unknown type code 0x00/,
  );
});
