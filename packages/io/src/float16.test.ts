import assert from 'node:assert/strict';
import { test } from 'node:test';
import { propertyParameters } from '@nabla/tensor/testing';
import fc from 'fast-check';
import { bfloat16ToFloat32, float16ToFloat32, float32ToBfloat16, float32ToFloat16 } from './float16.js';

// A fresh seed each run, printed; NABLA_SEED=<seed> replays it (see @nabla/tensor/testing).
fc.configureGlobal(propertyParameters());

test('every binary16 bit pattern survives widen-then-round (NaNs stay NaN)', () => {
  for (let bits = 0; bits < 0x10000; bits++) {
    const x = float16ToFloat32(bits);
    if (Number.isNaN(x)) assert.ok(Number.isNaN(float16ToFloat32(float32ToFloat16(x))), `bits ${bits}`);
    else assert.equal(float32ToFloat16(x), bits, `bits 0x${bits.toString(16)} → ${x}`);
  }
});

test('every bfloat16 bit pattern survives widen-then-round (NaNs stay NaN)', () => {
  for (let bits = 0; bits < 0x10000; bits++) {
    const x = bfloat16ToFloat32(bits);
    if (Number.isNaN(x)) assert.ok(Number.isNaN(bfloat16ToFloat32(float32ToBfloat16(x))), `bits ${bits}`);
    else assert.equal(float32ToBfloat16(x), bits, `bits 0x${bits.toString(16)} → ${x}`);
  }
});

test('known half values: 1, -2, 65504 (largest), 2^-24 (smallest subnormal), overflow to Infinity', () => {
  assert.equal(float32ToFloat16(1), 0x3c00);
  assert.equal(float32ToFloat16(-2), 0xc000);
  assert.equal(float32ToFloat16(65504), 0x7bff);
  assert.equal(float32ToFloat16(2 ** -24), 0x0001);
  assert.equal(float32ToFloat16(65520), 0x7c00); // halfway to the next binade rounds to even: Infinity
  assert.equal(float32ToFloat16(1e6), 0x7c00);
  assert.equal(float32ToFloat16(2 ** -26), 0x0000);
  assert.equal(float16ToFloat32(0x8000), -0);
  assert.equal(float32ToBfloat16(1), 0x3f80);
  assert.equal(bfloat16ToFloat32(0xc040), -3);
});

/** The binary16 neighbours of a float32 value that is in the finite half range. */
function assertNearestEven(value: number, bits: number, widen: (b: number) => number) {
  const got = widen(bits);
  const mag = bits & 0x7fff;
  const neighbours = [mag - 1, mag + 1]
    .filter((m) => m >= 0 && m < 0x7c00)
    .map((m) => widen((bits & 0x8000) | m));
  for (const n of neighbours) {
    const dGot = Math.abs(got - value);
    const dN = Math.abs(n - value);
    assert.ok(
      dGot < dN || (dGot === dN && (bits & 1) === 0),
      `${value} → ${got}, but ${n} is nearer (or the even tie)`,
    );
  }
}

test('float32 → float16 rounds to the nearest half, ties to even (property)', () => {
  fc.assert(
    fc.property(fc.float({ min: -65504, max: 65504, noNaN: true }), (v) => {
      assertNearestEven(v, float32ToFloat16(v), float16ToFloat32);
    }),
    { numRuns: 2000 },
  );
});

test('float32 → bfloat16 rounds to the nearest, ties to even (property)', () => {
  fc.assert(
    fc.property(fc.float({ min: Math.fround(-3e38), max: Math.fround(3e38), noNaN: true }), (v) => {
      const bits = float32ToBfloat16(v);
      const got = bfloat16ToFloat32(bits);
      for (const m of [(bits & 0x7fff) - 1, (bits & 0x7fff) + 1]) {
        if (m < 0 || m >= 0x7f80) continue;
        const n = bfloat16ToFloat32((bits & 0x8000) | m);
        const dGot = Math.abs(got - v);
        const dN = Math.abs(n - v);
        assert.ok(dGot < dN || (dGot === dN && (bits & 1) === 0), `${v} → ${got}, but ${n} is nearer`);
      }
    }),
    { numRuns: 2000 },
  );
});
