import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FormatError, ShapeError, ValueError } from '@nabla/tensor';
import { propertyParameters } from '@nabla/tensor/testing';
import fc from 'fast-check';
import { encodeIdx, type IdxArray, parseIdx } from './idx.js';
import { bytesOf, idxArray } from './testing/arbitraries.js';

// A fresh seed each run, printed; NABLA_SEED=<seed> replays it (see @nabla/tensor/testing).
fc.configureGlobal(propertyParameters());

function sameArray(actual: IdxArray, expected: IdxArray): void {
  assert.equal(actual.dtype, expected.dtype);
  assert.deepEqual(actual.shape, expected.shape);
  assert.equal(actual.data.constructor, expected.data.constructor);
  assert.deepEqual(bytesOf(actual.data), bytesOf(expected.data));
}

/** Parses, turning a FormatError into null; any other exception escapes and fails the property. */
function parseOrRefuse(bytes: Uint8Array): IdxArray | null {
  try {
    return parseIdx(bytes, 'drawn.idx');
  } catch (e) {
    assert.ok(e instanceof FormatError, `expected a FormatError, got ${e}`);
    assert.match(e.message, /^drawn\.idx: /);
    return null;
  }
}

test('parseIdx(encodeIdx(a)) = a for every type, bit for bit (NaN payloads included), raw and gzip', () => {
  fc.assert(
    fc.property(idxArray, fc.boolean(), (a, gzip) => {
      sameArray(parseIdx(encodeIdx(a, { gzip })), a);
    }),
    { numRuns: 300 },
  );
});

test('encodeIdx writes the documented layout: zero magic, type code, rank, big-endian dims and data', () => {
  const bytes = encodeIdx({ dtype: 'int16', shape: [2, 1], data: new Int16Array([0x0102, -2]) });
  assert.deepEqual([...bytes], [0, 0, 0x0b, 2, 0, 0, 0, 2, 0, 0, 0, 1, 0x01, 0x02, 0xff, 0xfe]);
  const float = encodeIdx({ dtype: 'float32', shape: [1], data: new Float32Array([1]) });
  assert.deepEqual([...float], [0, 0, 0x0d, 1, 0, 0, 0, 1, 0x3f, 0x80, 0, 0]);
});

test('a corrupted raw IDX file is refused with a FormatError, or loads exactly the changed bytes', () => {
  fc.assert(
    fc.property(idxArray, fc.nat(), fc.integer({ min: 1, max: 255 }), (a, at, flip) => {
      const good = encodeIdx(a);
      const bad = good.slice();
      const pos = at % good.length;
      bad[pos]! ^= flip;
      const headerBytes = 4 + 4 * a.shape.length;
      const parsed = parseOrRefuse(bad);
      if (pos >= headerBytes) {
        // Only data changed: it must load, same type and shape, with the changed element.
        assert.ok(parsed, 'a change of data bytes only must load');
        assert.equal(parsed.dtype, a.dtype);
        assert.deepEqual(parsed.shape, a.shape);
      }
      // Whatever loaded is exactly what the bytes say (a changed header can still be self-consistent,
      // e.g. a zero dimension makes the others free).
      if (parsed) assert.deepEqual(encodeIdx(parsed), bad);
    }),
    { numRuns: 500 },
  );
});

test('a truncated or extended raw IDX file is always refused, naming the expected and actual sizes', () => {
  fc.assert(
    fc.property(idxArray, fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 9 }), (a, cut, extra) => {
      const good = encodeIdx(a);
      const truncated = good.subarray(0, cut % good.length);
      assert.equal(parseOrRefuse(truncated), null);
      const extended = new Uint8Array(good.length + extra.length);
      extended.set(good);
      extended.set(extra, good.length);
      assert.throws(() => parseIdx(extended, 'x.idx'), {
        name: 'FormatError',
        message: new RegExp(`too long: .* needs ${good.length} bytes .*got ${extended.length}`),
      });
    }),
    { numRuns: 300 },
  );
});

test('a corrupted, truncated or extended .gz IDX file is refused or loads a valid array; never another error', () => {
  fc.assert(
    fc.property(
      idxArray,
      fc.oneof(
        fc.record({
          kind: fc.constant('flip' as const),
          at: fc.nat(),
          flip: fc.integer({ min: 1, max: 255 }),
        }),
        fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
        fc.record({
          kind: fc.constant('append' as const),
          extra: fc.uint8Array({ minLength: 1, maxLength: 9 }),
        }),
      ),
      (a, change) => {
        const good = encodeIdx(a, { gzip: true });
        let bad: Uint8Array;
        if (change.kind === 'flip') {
          bad = good.slice();
          bad[change.at % good.length]! ^= change.flip;
        } else if (change.kind === 'cut') {
          bad = good.subarray(0, change.at % good.length);
        } else {
          bad = new Uint8Array([...good, ...change.extra]);
        }
        const parsed = parseOrRefuse(bad);
        if (change.kind !== 'flip') assert.equal(parsed, null, 'a cut or extended gzip file must be refused');
        // The gzip trailer's CRC-32 catches changed data, so a flip that loads changed only header
        // metadata (time, OS byte): the array must be the original.
        if (parsed) sameArray(parsed, a);
      },
    ),
    { numRuns: 300 },
  );
});

test('parseIdx names the file and what is wrong', () => {
  const good = encodeIdx({ dtype: 'uint8', shape: [2, 3], data: new Uint8Array(6) });
  const wrongMagic = good.slice();
  wrongMagic[0] = 8;
  assert.throws(() => parseIdx(wrongMagic, 'a.idx'), {
    name: 'FormatError',
    message: /^a\.idx: .*wrong magic.*0x08 0x00/,
  });
  const unknownType = good.slice();
  unknownType[2] = 0x0a;
  assert.throws(() => parseIdx(unknownType, 'a.idx'), { message: /unknown type code 0x0a/ });
  const rank0 = good.slice();
  rank0[3] = 0;
  assert.throws(() => parseIdx(rank0, 'a.idx'), { message: /rank 0/ });
  assert.throws(() => parseIdx(good.subarray(0, 10), 'a.idx'), {
    message: /truncated header: rank 2 needs 12 header bytes, got 10/,
  });
  assert.throws(() => parseIdx(good.subarray(0, 15), 'a.idx'), {
    message: /truncated: \[2,3\] uint8 needs 18 bytes \(12 header \+ 6 × 1\), got 15/,
  });
  assert.throws(() => parseIdx(new Uint8Array(0)), { message: /^idx: .*at least 4 bytes, got 0/ });
});

test('parseIdx reports the source on the result, and copies: changing the input later changes nothing', () => {
  const bytes = encodeIdx({ dtype: 'uint8', shape: [3], data: new Uint8Array([1, 2, 3]) });
  const parsed = parseIdx(bytes, 'labels.idx');
  bytes[bytes.length - 1] = 99;
  assert.equal(parsed.source, 'labels.idx');
  assert.deepEqual([...parsed.data], [1, 2, 3]);
});

test('encodeIdx refuses arrays it cannot write', () => {
  assert.throws(() => encodeIdx({ dtype: 'uint8', shape: [2], data: new Uint8Array(3) }), ShapeError);
  assert.throws(() => encodeIdx({ dtype: 'uint8', shape: [], data: new Uint8Array(1) }), ShapeError);
  assert.throws(() => encodeIdx({ dtype: 'uint8', shape: [1.5], data: new Uint8Array(1) }), ShapeError);
  assert.throws(() => encodeIdx({ dtype: 'int32', shape: [1], data: new Uint8Array(1) }), ValueError);
  assert.throws(
    () => encodeIdx({ dtype: 'int64' as 'int32', shape: [1], data: new Int32Array(1) }),
    ValueError,
  );
});
