import assert from 'node:assert/strict';
import { test } from 'node:test';
import { propertyParameters } from '@nabla/tensor/testing';
import fc from 'fast-check';
import { crc32, crc32Hex } from './crc32.js';

// A fresh seed each run, printed; NABLA_SEED=<seed> replays it (see @nabla/tensor/testing).
fc.configureGlobal(propertyParameters());

test('CRC-32 check value: "123456789" → cbf43926 (the standard test vector)', () => {
  const bytes = new Uint8Array([...'123456789'].map((c) => c.charCodeAt(0)));
  assert.equal(crc32Hex(crc32(bytes)), 'cbf43926');
  assert.equal(crc32(new Uint8Array(0)), 0);
  assert.equal(crc32(new TextEncoder().encode('The quick brown fox jumps over the lazy dog')), 0x414fa339);
});

/** The definition, one bit at a time: what the table-driven version must agree with. */
function crc32Bitwise(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  return ~c >>> 0;
}

test('the sliced table-driven CRC equals the bit-at-a-time definition', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => assert.equal(crc32(bytes), crc32Bitwise(bytes))),
  );
});

test('CRC-32 continues over pieces: crc(a ++ b) = crc(b, crc(a))', () => {
  fc.assert(
    fc.property(fc.uint8Array(), fc.uint8Array(), (a, b) => {
      const whole = new Uint8Array(a.length + b.length);
      whole.set(a);
      whole.set(b, a.length);
      assert.equal(crc32(b, crc32(a)), crc32(whole));
    }),
  );
});

test('CRC-32 notices every single changed byte', () => {
  fc.assert(
    fc.property(
      fc.uint8Array({ minLength: 1 }),
      fc.nat(),
      fc.integer({ min: 1, max: 255 }),
      (bytes, at, x) => {
        const changed = bytes.slice();
        changed[at % bytes.length]! ^= x;
        assert.notEqual(crc32(changed), crc32(bytes));
      },
    ),
  );
});
