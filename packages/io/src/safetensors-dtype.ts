import type { DType } from '@nabla/tensor';

/**
 * The safetensors element types Nabla reads and writes, and where each lands in an NDArray (whose
 * dtypes are float32, float64 and int32). Half precision widens to float32 exactly; the small
 * integer types and booleans widen to int32 exactly; I64 narrows to int32 only when every value fits
 * (PyTorch keeps BatchNorm's `num_batches_tracked` and class indices as int64), and is refused otherwise.
 */
export type SafetensorsDType =
  | 'BOOL'
  | 'U8'
  | 'I8'
  | 'I16'
  | 'U16'
  | 'F16'
  | 'BF16'
  | 'I32'
  | 'F32'
  | 'F64'
  | 'I64';

export interface DTypeInfo {
  /** Bytes per element. */
  readonly size: number;
  /** The NDArray dtype the values are read into. */
  readonly target: DType;
  /**
   * Position in the reference implementation's `Dtype` enum, which is ordered by alignment: its
   * writer lays tensors out by descending rank (then by name), so every tensor stays aligned.
   */
  readonly rank: number;
}

/** Every safetensors dtype Nabla reads, with its byte size and the NDArray type it arrives as. */
export const SAFETENSORS_DTYPES: Readonly<Record<SafetensorsDType, DTypeInfo>> = {
  BOOL: { size: 1, target: 'int32', rank: 0 },
  U8: { size: 1, target: 'int32', rank: 1 },
  I8: { size: 1, target: 'int32', rank: 2 },
  I16: { size: 2, target: 'int32', rank: 5 },
  U16: { size: 2, target: 'int32', rank: 6 },
  F16: { size: 2, target: 'float32', rank: 7 },
  BF16: { size: 2, target: 'float32', rank: 8 },
  I32: { size: 4, target: 'int32', rank: 9 },
  F32: { size: 4, target: 'float32', rank: 11 },
  F64: { size: 8, target: 'float64', rank: 12 },
  I64: { size: 8, target: 'int32', rank: 13 },
};

/** Types the format defines that Nabla cannot hold faithfully: named in the refusal, not called unknown. */
export const UNSUPPORTED_DTYPES: ReadonlySet<string> = new Set([
  'U32',
  'U64',
  'F8_E5M2',
  'F8_E4M3',
  'F8_E8M0',
  'F6_E2M3',
  'F6_E3M2',
  'F4',
  'C64',
]);

/** Whether a name is a safetensors dtype Nabla reads. */
export function isSafetensorsDType(name: string): name is SafetensorsDType {
  return Object.hasOwn(SAFETENSORS_DTYPES, name);
}

/** The type an NDArray is written as unless told otherwise: its own width, nothing lost. */
export function defaultSafetensorsDType(dtype: DType): SafetensorsDType {
  return dtype === 'float64' ? 'F64' : dtype === 'int32' ? 'I32' : 'F32';
}
