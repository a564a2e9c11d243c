import { ValueError } from './errors.js';

/**
 * Element types. float32 is the working type, float64 the verification type (gradcheck and the
 * naive references in tests), int32 holds labels and indices.
 */
export type DType = 'float32' | 'float64' | 'int32';
export type TypedArray = Float32Array | Float64Array | Int32Array;

export const DTYPES: readonly DType[] = ['float32', 'float64', 'int32'];

export function allocate(dtype: DType, length: number): TypedArray {
  switch (dtype) {
    case 'float32':
      return new Float32Array(length);
    case 'float64':
      return new Float64Array(length);
    case 'int32':
      return new Int32Array(length);
    default:
      throw new ValueError('dtype', `unknown dtype ${JSON.stringify(dtype)} (known: ${DTYPES.join(', ')})`);
  }
}

export function dtypeOf(data: TypedArray): DType {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Float64Array) return 'float64';
  if (data instanceof Int32Array) return 'int32';
  const name = (data as { constructor?: { name?: string } } | null)?.constructor?.name ?? typeof data;
  throw new ValueError(
    'dtype',
    `an NDArray holds Float32Array, Float64Array or Int32Array data, got ${name}`,
  );
}

/** The type of `a op b`: the wider float wins; two int32 operands stay int32. */
export function promote(a: DType, b: DType): DType {
  if (a === 'float64' || b === 'float64') return 'float64';
  if (a === 'float32' || b === 'float32') return 'float32';
  return 'int32';
}

/** The float type an op with a real-valued result (exp, div, mean) gives for an input type. */
export function floatType(dtype: DType): 'float32' | 'float64' {
  return dtype === 'float64' ? 'float64' : 'float32';
}
