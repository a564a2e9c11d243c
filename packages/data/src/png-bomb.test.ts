import assert from 'node:assert/strict';
import { test } from 'node:test';
import { crc32 } from '@nabla/io';
import { FormatError } from '@nabla/tensor';
import { encode } from 'fast-png';
import { zlibSync } from 'fflate';
import { checkPngDataSize, decodeImage } from './image-decode.js';

/** A PNG of the given size whose IDAT is the zlib stream of `raw` (any length: a bomb when too long). */
function pngWithData(width: number, height: number, raw: Uint8Array): Uint8Array {
  const chunk = (type: string, data: Uint8Array) => {
    const out = new Uint8Array(12 + data.length);
    const view = new DataView(out.buffer);
    view.setUint32(0, data.length);
    out.set(
      [...type].map((c) => c.charCodeAt(0)),
      4,
    );
    out.set(data, 8);
    view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
    return out;
  };
  const ihdr = new Uint8Array(13);
  new DataView(ihdr.buffer).setUint32(0, width);
  new DataView(ihdr.buffer).setUint32(4, height);
  ihdr.set([8, 0, 0, 0, 0], 8); // 8-bit grayscale, no interlace
  const parts = [
    new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlibSync(raw)),
    chunk('IEND', new Uint8Array(0)),
  ];
  const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    bytes.set(p, at);
    at += p.length;
  }
  return bytes;
}

test('a PNG whose pixel data inflates past what its header holds is refused before decoding', () => {
  // 1×1 gray: one filter byte and one sample. 64 MiB of zeros compress to ~64 KB.
  const bomb = pngWithData(1, 1, new Uint8Array(64 * 2 ** 20));
  assert.throws(
    () => checkPngDataSize(bomb, 'bomb.png'),
    (e) => e instanceof FormatError && /bomb\.png.*inflates past \d+ bytes.*1×1/.test(e.message),
  );
  assert.throws(() => decodeImage(bomb, 'bomb.png'), FormatError);
});

test('real PNGs pass the data-size check and decode, at every colour type and depth', () => {
  const exact = pngWithData(3, 2, new Uint8Array([0, 1, 2, 3, 0, 4, 5, 6]));
  checkPngDataSize(exact, 'exact.png');
  assert.deepEqual([...decodeImage(exact, 'exact.png').data], [1, 2, 3, 4, 5, 6]);
  for (const [channels, depth] of [
    [1, 8],
    [1, 16],
    [3, 8],
    [4, 8],
    [2, 16],
  ] as const) {
    const width = 37;
    const height = 11;
    const n = width * height * channels;
    const data = depth === 8 ? new Uint8Array(n) : new Uint16Array(n);
    for (let i = 0; i < n; i++) data[i] = (i * 7919) % (depth === 8 ? 256 : 65536);
    const png = encode({ width, height, data, channels, depth });
    checkPngDataSize(png, 'real.png');
    assert.equal(decodeImage(png, 'real.png').width, width);
  }
});
