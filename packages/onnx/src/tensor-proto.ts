import { FormatError, type NDArray, NDArray as NDArrayClass } from '@nabla/tensor';
import { DataType, type TensorProto, toNumber } from './proto.js';

/** The largest initializer import accepts: 2^31 − 1 bytes (AlexNet's fc6, the largest of the course, is 151 MB). */
export const MAX_INITIALIZER_BYTES = 2 ** 31 - 1;

/** A float32 array as an ONNX initializer: little-endian raw_data, the layout ONNX Runtime and PyTorch write. */
export function floatInitializer(name: string, a: NDArray): TensorProto {
  const c = a.contiguous();
  const values = Float32Array.from(c.data.subarray(c.offset, c.offset + c.size) as ArrayLike<number>);
  return {
    name,
    dims: c.shape.slice(),
    dataType: DataType.FLOAT,
    rawData: littleEndianBytes(values),
  };
}

export function int64Initializer(
  name: string,
  values: readonly number[],
  dims: number[] = [values.length],
): TensorProto {
  const out = new Uint8Array(values.length * 8);
  const view = new DataView(out.buffer);
  for (const [i, v] of values.entries()) view.setBigInt64(i * 8, BigInt(v), true);
  return { name, dims, dataType: DataType.INT64, rawData: out };
}

export function scalarFloatInitializer(name: string, value: number): TensorProto {
  return { name, dims: [], dataType: DataType.FLOAT, rawData: littleEndianBytes(Float32Array.of(value)) };
}

const littleEndian = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

function littleEndianBytes(values: Float32Array): Uint8Array {
  const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  if (littleEndian) return bytes;
  const out = new Uint8Array(values.length * 4);
  const view = new DataView(out.buffer);
  for (const [i, v] of values.entries()) view.setFloat32(i * 4, v, true);
  return out;
}

/** An initializer's dims, each checked: non-negative safe integers whose product is the element count. */
export function tensorDims(t: TensorProto, what: string): { dims: number[]; count: number } {
  const dims = (t.dims ?? []).map((d, i) => toNumber(d, `${what} dim ${i}`));
  let count = 1;
  for (const d of dims) {
    if (!Number.isSafeInteger(d) || d < 0)
      throw new FormatError('importOnnx', `${what}: dimension ${d} is not a size (dims [${dims.join(',')}])`);
    count *= d;
  }
  if (count * 4 > MAX_INITIALIZER_BYTES)
    throw new FormatError(
      'importOnnx',
      `${what}: dims [${dims.join(',')}] make ${count} values, over the ${MAX_INITIALIZER_BYTES}-byte limit`,
    );
  return { dims, count };
}

/**
 * A float initializer's values, with its size checked against its dims BEFORE anything is
 * allocated: raw_data must hold exactly 4·∏dims bytes (or float_data ∏dims values). Weights stored
 * outside the file (data_location EXTERNAL) and other element types are refused by name.
 */
export function readFloats(t: TensorProto, what: string): NDArray {
  const { dims, count } = tensorDims(t, what);
  if (t.dataLocation === 1)
    throw new FormatError(
      'importOnnx',
      `${what}: its data lives in an external file, which Nabla does not read`,
    );
  if (t.dataType !== DataType.FLOAT)
    throw new FormatError(
      'importOnnx',
      `${what}: element type ${DataType[t.dataType ?? 0] ?? t.dataType} is not supported (float32 only)`,
    );
  const raw = t.rawData;
  let values: Float32Array;
  if (raw && raw.length > 0) {
    if (raw.length !== count * 4)
      throw new FormatError(
        'importOnnx',
        `${what}: dims [${dims.join(',')}] need ${count * 4} bytes of raw_data, the file has ${raw.length}`,
      );
    values = new Float32Array(count);
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    for (let i = 0; i < count; i++) values[i] = view.getFloat32(i * 4, true);
  } else {
    const floats = t.floatData ?? [];
    if (floats.length !== count)
      throw new FormatError(
        'importOnnx',
        `${what}: dims [${dims.join(',')}] need ${count} values, the file has ${floats.length}`,
      );
    values = Float32Array.from(floats);
  }
  return new NDArrayClass(values, dims);
}

/** An int64 (or int32) tensor's values as numbers (shape constants), size-checked like readFloats. */
export function readInts(t: TensorProto, what: string): { dims: number[]; values: number[] } {
  const { dims, count } = tensorDims(t, what);
  if (t.dataLocation === 1)
    throw new FormatError(
      'importOnnx',
      `${what}: its data lives in an external file, which Nabla does not read`,
    );
  const raw = t.rawData;
  const width = t.dataType === DataType.INT64 ? 8 : t.dataType === DataType.INT32 ? 4 : 0;
  if (width === 0)
    throw new FormatError(
      'importOnnx',
      `${what}: expected an int64 or int32 tensor, got ${DataType[t.dataType ?? 0] ?? t.dataType}`,
    );
  if (raw && raw.length > 0) {
    if (raw.length !== count * width)
      throw new FormatError(
        'importOnnx',
        `${what}: dims [${dims.join(',')}] need ${count * width} bytes of raw_data, the file has ${raw.length}`,
      );
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    const values = Array.from({ length: count }, (_, i) =>
      width === 8 ? Number(view.getBigInt64(i * 8, true)) : view.getInt32(i * 4, true),
    );
    return { dims, values };
  }
  const list = width === 8 ? (t.int64Data ?? []) : (t.int32Data ?? []);
  if (list.length !== count)
    throw new FormatError(
      'importOnnx',
      `${what}: dims [${dims.join(',')}] need ${count} values, the file has ${list.length}`,
    );
  return { dims, values: list.map((v, i) => toNumber(v, `${what}[${i}]`)) };
}
