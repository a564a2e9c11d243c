import assert from 'node:assert/strict';
import { test } from 'node:test';
import { propertyParameters } from '@nabla/tensor/testing';
import fc from 'fast-check';
import { crc32 } from './crc32.js';

// A fresh seed each run, printed; NABLA_SEED=<seed> replays it (see @nabla/tensor/testing).
fc.configureGlobal(propertyParameters());

const ascii = (s: string) => new TextEncoder().encode(s);

test('crc32 gives the standard check values', () => {
  assert.equal(crc32(ascii('123456789')), 0xcbf43926);
  assert.equal(crc32(new Uint8Array(0)), 0);
  assert.equal(crc32(ascii('The quick brown fox jumps over the lazy dog')), 0x414fa339);
});

test('crc32 changes when any single byte changes', () => {
  fc.assert(
    fc.property(
      fc.uint8Array({ minLength: 1, maxLength: 64 }),
      fc.nat(),
      fc.integer({ min: 1, max: 255 }),
      (bytes, at, flip) => {
        const changed = bytes.slice();
        changed[at % bytes.length]! ^= flip;
        assert.notEqual(crc32(changed), crc32(bytes));
      },
    ),
  );
});
