/**
 * Test kit (not part of the build): the ways a file gets damaged — a flipped byte, a truncation,
 * appended or inserted bytes, a rewritten length prefix — as a fast-check arbitrary, for the
 * corruption properties of every reader.
 */
import fc from 'fast-check';

export type Corruption =
  | { kind: 'flip'; at: number; xor: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'append'; bytes: Uint8Array }
  | { kind: 'length'; low: number; high: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array };

export const corruption: fc.Arbitrary<Corruption> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), xor: fc.integer({ min: 1, max: 255 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('append' as const), bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
  fc.record({
    kind: fc.constant('length' as const),
    low: fc.nat(),
    high: fc.oneof(fc.constant(0), fc.nat()),
  }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    bytes: fc.uint8Array({ minLength: 1, maxLength: 4 }),
  }),
);

export function corrupt(bytes: Uint8Array, c: Corruption): Uint8Array | undefined {
  switch (c.kind) {
    case 'flip': {
      const out = bytes.slice();
      out[c.at % out.length]! ^= c.xor;
      return out;
    }
    case 'truncate':
      return bytes.slice(0, c.at % bytes.length);
    case 'append': {
      const out = new Uint8Array(bytes.length + c.bytes.length);
      out.set(bytes);
      out.set(c.bytes, bytes.length);
      return out;
    }
    case 'length': {
      const out = bytes.slice();
      const v = new DataView(out.buffer);
      if (v.getUint32(0, true) === c.low % 2 ** 32 && v.getUint32(4, true) === c.high) return undefined; // no change
      v.setUint32(0, c.low % 2 ** 32, true);
      v.setUint32(4, c.high, true);
      return out;
    }
    case 'insert': {
      const at = c.at % (bytes.length + 1);
      const out = new Uint8Array(bytes.length + c.bytes.length);
      out.set(bytes.subarray(0, at));
      out.set(c.bytes, at);
      out.set(bytes.subarray(at), at + c.bytes.length);
      return out;
    }
  }
}
