import fc from 'fast-check';
import type { IdxArray, IdxData, IdxDType } from '../idx.js';

const WIDTH: Record<IdxDType, number> = { uint8: 1, int8: 1, int16: 2, int32: 4, float32: 4, float64: 8 };

function view(dtype: IdxDType, buffer: ArrayBuffer): IdxData {
  switch (dtype) {
    case 'uint8':
      return new Uint8Array(buffer);
    case 'int8':
      return new Int8Array(buffer);
    case 'int16':
      return new Int16Array(buffer);
    case 'int32':
      return new Int32Array(buffer);
    case 'float32':
      return new Float32Array(buffer);
    case 'float64':
      return new Float64Array(buffer);
  }
}

/**
 * Small IDX arrays of every type. The elements are drawn as raw bytes, so the float types include
 * NaNs with any payload, infinities and negative zero: the reader must keep every bit.
 */
export const idxArray: fc.Arbitrary<IdxArray> = fc
  .record({
    dtype: fc.constantFrom<IdxDType>('uint8', 'int8', 'int16', 'int32', 'float32', 'float64'),
    shape: fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 3 }),
  })
  .chain(({ dtype, shape }) => {
    const bytes = shape.reduce((a, b) => a * b, 1) * WIDTH[dtype];
    return fc
      .uint8Array({ minLength: bytes, maxLength: bytes })
      .map((raw) => ({ dtype, shape, data: view(dtype, raw.slice().buffer) }));
  });

/** Byte-for-byte view of an array's elements, to compare floats NaN payloads included. */
export function bytesOf(data: IdxData): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
