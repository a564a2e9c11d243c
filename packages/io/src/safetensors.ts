import { FormatError, formatShape, NDArray, type TypedArray, ValueError } from '@nabla/tensor';
import { bfloat16ToFloat32, float16ToFloat32, float32ToBfloat16, float32ToFloat16 } from './float16.js';
import { type HeaderObject, type HeaderValue, parseHeaderJson } from './header-json.js';
import {
  defaultSafetensorsDType,
  isSafetensorsDType,
  SAFETENSORS_DTYPES,
  type SafetensorsDType,
  UNSUPPORTED_DTYPES,
} from './safetensors-dtype.js';
import { decodeUtf8, encodeUtf8, isWellFormed } from './utf8.js';

/**
 * safetensors, the format PyTorch and Hugging Face share weights in:
 *
 *   [8 bytes]  N, the header length, an unsigned 64-bit little-endian integer
 *   [N bytes]  a UTF-8 JSON object: { "__metadata__": { string: string },
 *                                     name: { "dtype": "F32", "shape": [..], "data_offsets": [begin, end] }, … }
 *              padded with spaces so the data starts 8-byte aligned
 *   [rest]     the tensors' bytes, little-endian, row-major; offsets count from the start of this part
 *
 * The writer follows the reference implementation (huggingface/safetensors) byte for byte: tensors
 * laid out by descending dtype alignment, then by name (code point order, which is UTF-8 byte order);
 * compact JSON with `__metadata__` first and the tensors in data order; metadata keys sorted (the
 * reference keeps them in hash order, so any order is valid; sorted makes our files reproducible).
 */

/** The reference reader's limit: a larger header is refused before it is read. */
export const MAX_HEADER_BYTES = 100_000_000;
const METADATA_KEY = '__metadata__';

/** Named tensors, as a Map or a plain object. */
export type TensorMap = ReadonlyMap<string, NDArray> | Readonly<Record<string, NDArray>>;

/** Options of {@link encodeSafetensors}. */
export interface EncodeSafetensorsOptions {
  /**
   * The file type of some tensors, by name, when it should differ from the array's own (float32 →
   * F32, float64 → F64, int32 → I32): F16/BF16 round to nearest even; integer types refuse values
   * that are not integers in their range.
   */
  dtypes?: ReadonlyMap<string, SafetensorsDType> | Readonly<Record<string, SafetensorsDType>>;
}

/** A decoded safetensors file. */
export interface Safetensors {
  /** The tensors in file order (by data offset), each in a fresh buffer of its own. */
  tensors: Map<string, NDArray>;
  /** `__metadata__`, or an empty object when the file has none. */
  metadata: Record<string, string>;
  /** The type each tensor had in the file (an I64 tensor arrives as int32, an F16 one as float32). */
  dtypes: Map<string, SafetensorsDType>;
}

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function entriesOf<T>(m: ReadonlyMap<string, T> | Readonly<Record<string, T>>): [string, T][] {
  return m instanceof Map ? [...m.entries()] : Object.entries(m as Readonly<Record<string, T>>);
}

/** Orders strings by code point, as Rust and Python compare them (JS's `<` compares UTF-16 units). */
export function compareCodePoints(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i]!.codePointAt(0)! - y[i]!.codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

interface PlannedTensor {
  name: string;
  array: NDArray;
  dtype: SafetensorsDType;
  begin: number;
  end: number;
}

/** Serializes tensors (and optional string metadata) to the bytes of a .safetensors file. */
export function encodeSafetensors(
  tensors: TensorMap,
  metadata?: Readonly<Record<string, string>>,
  options: EncodeSafetensorsOptions = {},
): Uint8Array {
  const op = 'encodeSafetensors';
  const overrides = new Map(entriesOf(options.dtypes ?? {}));
  const planned: PlannedTensor[] = [];
  for (const [name, array] of entriesOf(tensors)) {
    if (name === METADATA_KEY)
      throw new ValueError(op, `"${METADATA_KEY}" is reserved and cannot name a tensor`);
    if (!isWellFormed(name))
      throw new ValueError(op, `tensor name ${JSON.stringify(name)} is not valid Unicode`);
    if (!(array instanceof NDArray)) throw new ValueError(op, `tensor "${name}" is not an NDArray`);
    const dtype = overrides.get(name) ?? defaultSafetensorsDType(array.dtype);
    if (!isSafetensorsDType(dtype))
      throw new ValueError(op, `tensor "${name}": unknown dtype ${JSON.stringify(dtype)}`);
    overrides.delete(name);
    planned.push({ name, array, dtype, begin: 0, end: 0 });
  }
  // A dtype for a name that is not among the tensors is a typo the caller wants to hear about.
  if (overrides.size > 0)
    throw new ValueError(op, `options.dtypes names no tensor: ${[...overrides.keys()].join(', ')}`);
  const meta = entriesOf(metadata ?? {});
  for (const [k, v] of meta) {
    if (typeof v !== 'string') throw new ValueError(op, `metadata "${k}" must be a string, got ${typeof v}`);
    if (!isWellFormed(k) || !isWellFormed(v))
      throw new ValueError(op, `metadata "${k}" is not valid Unicode`);
  }

  planned.sort(
    (a, b) =>
      SAFETENSORS_DTYPES[b.dtype].rank - SAFETENSORS_DTYPES[a.dtype].rank ||
      compareCodePoints(a.name, b.name),
  );
  let offset = 0;
  for (const t of planned) {
    t.begin = offset;
    offset += t.array.size * SAFETENSORS_DTYPES[t.dtype].size;
    t.end = offset;
  }

  const parts: string[] = [];
  if (metadata !== undefined) {
    meta.sort(([a], [b]) => compareCodePoints(a, b));
    const body = meta.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',');
    parts.push(`"${METADATA_KEY}":{${body}}`);
  }
  for (const t of planned) {
    parts.push(
      `${JSON.stringify(t.name)}:{"dtype":"${t.dtype}","shape":[${t.array.shape.join(',')}],"data_offsets":[${t.begin},${t.end}]}`,
    );
  }
  const json = encodeUtf8(`{${parts.join(',')}}`);
  const headerLength = Math.ceil(json.length / 8) * 8;
  if (headerLength > MAX_HEADER_BYTES) {
    throw new ValueError(
      op,
      `header of ${headerLength} bytes exceeds the ${MAX_HEADER_BYTES}-byte limit readers enforce`,
    );
  }

  const out = new Uint8Array(8 + headerLength + offset);
  const view = new DataView(out.buffer);
  view.setUint32(0, headerLength, true); // the high 32 bits of the u64 stay 0
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLength);
  const dataStart = 8 + headerLength;
  for (const t of planned) writeElements(t, out, dataStart + t.begin);
  return out;
}

const INT_RANGES: Partial<Record<SafetensorsDType, readonly [number, number]>> = {
  BOOL: [0, 1],
  U8: [0, 255],
  I8: [-128, 127],
  I16: [-32768, 32767],
  U16: [0, 65535],
  I32: [-2147483648, 2147483647],
  I64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};

function writeElements(t: PlannedTensor, out: Uint8Array, at: number): void {
  const values = t.array.values();
  const n = values.length;
  const native =
    (t.dtype === 'F32' && values instanceof Float32Array) ||
    (t.dtype === 'F64' && values instanceof Float64Array) ||
    (t.dtype === 'I32' && values instanceof Int32Array);
  if (native && LITTLE_ENDIAN_HOST) {
    out.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), at);
    return;
  }
  const range = INT_RANGES[t.dtype];
  if (range) {
    for (let i = 0; i < n; i++) {
      const v = values[i]!;
      if (!Number.isInteger(v) || v < range[0] || v > range[1]) {
        throw new ValueError(
          'encodeSafetensors',
          `tensor "${t.name}": element ${i} is ${v}, not an integer in the ${t.dtype} range [${range[0]}, ${range[1]}]`,
        );
      }
    }
  }
  const view = new DataView(out.buffer, out.byteOffset + at, n * SAFETENSORS_DTYPES[t.dtype].size);
  const put = elementWriter(t.dtype, view);
  for (let i = 0; i < n; i++) put(i, values[i]!);
}

function elementWriter(dtype: SafetensorsDType, v: DataView): (i: number, x: number) => void {
  switch (dtype) {
    case 'BOOL':
    case 'U8':
      return (i, x) => v.setUint8(i, x);
    case 'I8':
      return (i, x) => v.setInt8(i, x);
    case 'I16':
      return (i, x) => v.setInt16(2 * i, x, true);
    case 'U16':
      return (i, x) => v.setUint16(2 * i, x, true);
    case 'F16':
      return (i, x) => v.setUint16(2 * i, float32ToFloat16(x), true);
    case 'BF16':
      return (i, x) => v.setUint16(2 * i, float32ToBfloat16(x), true);
    case 'I32':
      return (i, x) => v.setInt32(4 * i, x, true);
    case 'F32':
      return (i, x) => v.setFloat32(4 * i, x, true);
    case 'F64':
      return (i, x) => v.setFloat64(8 * i, x, true);
    case 'I64':
      // Two's complement over two words: x = hi·2^32 + lo with 0 ≤ lo < 2^32, exact for safe integers.
      return (i, x) => {
        const hi = Math.floor(x / 2 ** 32);
        v.setUint32(8 * i, x - hi * 2 ** 32, true);
        v.setInt32(8 * i + 4, hi, true);
      };
  }
}

/** One tensor as a safetensors header describes it: nothing of its data is read. */
export interface HeaderEntry {
  /** The tensor's name (its key in the header's JSON object). */
  name: string;
  /** Its element type as the file names it ('F32', 'F64', …). */
  dtype: SafetensorsDType;
  /** Its dimensions, outermost first ([] for a scalar). */
  shape: number[];
  /** Byte offsets of its data, relative to the end of the header. */
  begin: number;
  /** One past its last byte, relative to the end of the header (data_offsets[1]). */
  end: number;
}

/** A validated header: its entries in data order, its metadata, and where the data starts. */
export interface SafetensorsHeader {
  /** Every tensor's description, sorted by where its data begins. */
  entries: HeaderEntry[];
  /** The header's `__metadata__` strings, or an empty object when the file has none. */
  metadata: Record<string, string>;
  /** Byte offset of the data part in the file: 8 + N, the length field plus the header. */
  dataStart: number;
}

/**
 * Parses and validates the header of a .safetensors file (every check but those of the element
 * values), allocating nothing for the tensors: a loader compares names, shapes and byte counts
 * with what it expects before any tensor exists.
 *
 * Anything that is not exactly the format is
 * refused with a FormatError naming `source` (the file name, in messages): a header length that is
 * too small, too large or past the end of the file; a header that is not UTF-8 or not a JSON object,
 * or repeats a key; an unknown dtype; a shape that is not a list of non-negative integers; offsets
 * that are out of order, overlap, leave a gap, or do not cover the data exactly; a byte count that is
 * not shape × dtype size; metadata that is not string → string.
 */
export function decodeSafetensorsHeader(bytes: Uint8Array, source = 'safetensors'): SafetensorsHeader {
  if (!(bytes instanceof Uint8Array))
    throw new FormatError(source, 'expected the bytes of a file (a Uint8Array)');
  if (bytes.length < 8) {
    throw new FormatError(source, `is ${bytes.length} bytes long, too short for the 8-byte header length`);
  }
  const lengthView = new DataView(bytes.buffer, bytes.byteOffset, 8);
  const low = lengthView.getUint32(0, true);
  const high = lengthView.getUint32(4, true);
  if (high !== 0 || low > MAX_HEADER_BYTES) {
    const n = (BigInt(high) << 32n) | BigInt(low);
    throw new FormatError(source, `header length ${n} exceeds the limit of ${MAX_HEADER_BYTES} bytes`);
  }
  const n = low;
  if (n < 2)
    throw new FormatError(
      source,
      `header length ${n} is too small to hold a JSON object (at least 2 bytes, "{}")`,
    );
  if (8 + n > bytes.length) {
    throw new FormatError(
      source,
      `header length ${n} runs past the end of the file (${bytes.length - 8} bytes follow the length)`,
    );
  }
  const text = decodeUtf8(bytes.subarray(8, 8 + n), source, 'header');
  // The reference reader requires the object to open at the first byte; padding comes only after.
  if (text[0] !== '{')
    throw new FormatError(source, `header must start with '{', found ${JSON.stringify(text.slice(0, 8))}`);
  const header = parseHeaderJson(text, source) as HeaderObject;

  let metadata: Record<string, string> = {};
  const entries: HeaderEntry[] = [];
  for (const [name, value] of header) {
    if (name === METADATA_KEY) metadata = readMetadata(value, source);
    else entries.push(readEntry(name, value, source));
  }

  const dataLength = bytes.length - 8 - n;
  // Sorting by (begin, end) puts empty tensors before a non-empty one that starts at the same byte.
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let expected = 0;
  let previous: string | undefined;
  for (const e of entries) {
    if (e.begin !== expected) {
      const where = previous === undefined ? 'the data starts at 0' : `"${previous}" ends at ${expected}`;
      const what = e.begin < expected ? 'overlaps' : 'leaves a gap';
      throw new FormatError(
        source,
        `tensor "${e.name}" data_offsets [${e.begin},${e.end}] ${what}: ${where}`,
      );
    }
    if (e.end > dataLength) {
      throw new FormatError(
        source,
        `tensor "${e.name}" data_offsets [${e.begin},${e.end}] run past the end of the data (${dataLength} bytes)`,
      );
    }
    expected = e.end;
    previous = e.name;
  }
  if (expected !== dataLength) {
    throw new FormatError(
      source,
      `the tensors cover ${expected} data bytes but the file holds ${dataLength} (${dataLength - expected} bytes unaccounted for)`,
    );
  }

  return { entries, metadata, dataStart: 8 + n };
}

/**
 * Parses and validates the bytes of a .safetensors file: decodeSafetensorsHeader, then every
 * tensor's elements (refusing a BOOL that is not 0 or 1 and an I64 beyond int32).
 */
export function decodeSafetensors(bytes: Uint8Array, source = 'safetensors'): Safetensors {
  const { entries, metadata, dataStart } = decodeSafetensorsHeader(bytes, source);
  const tensors = new Map<string, NDArray>();
  const dtypes = new Map<string, SafetensorsDType>();
  for (const e of entries) {
    const region = bytes.subarray(dataStart + e.begin, dataStart + e.end);
    tensors.set(e.name, new NDArray(readElements(region, e, source), e.shape));
    dtypes.set(e.name, e.dtype);
  }
  return { tensors, metadata, dtypes };
}

function readMetadata(value: HeaderValue, source: string): Record<string, string> {
  if (!(value instanceof Map))
    throw new FormatError(source, `"${METADATA_KEY}" must be an object of strings`);
  const out: [string, string][] = [];
  for (const [k, v] of value) {
    if (typeof v !== 'string') {
      throw new FormatError(source, `"${METADATA_KEY}" entry "${k}" must be a string, found ${kindOf(v)}`);
    }
    out.push([k, v]);
  }
  // fromEntries defines own properties, so a key such as "__proto__" stays a plain key.
  return Object.fromEntries(out);
}

function readEntry(name: string, value: HeaderValue, source: string): HeaderEntry {
  const where = `tensor "${name}"`;
  if (!(value instanceof Map))
    throw new FormatError(source, `${where} must be an object, found ${kindOf(value)}`);
  for (const key of value.keys()) {
    if (key !== 'dtype' && key !== 'shape' && key !== 'data_offsets') {
      throw new FormatError(
        source,
        `${where} has an unknown field "${key}" (expected dtype, shape, data_offsets)`,
      );
    }
  }
  const dtype = value.get('dtype');
  if (typeof dtype !== 'string')
    throw new FormatError(source, `${where} needs a string "dtype", found ${kindOf(dtype)}`);
  if (!isSafetensorsDType(dtype)) {
    const why = UNSUPPORTED_DTYPES.has(dtype) ? 'is not supported by Nabla' : 'is not a safetensors dtype';
    throw new FormatError(source, `${where} dtype ${JSON.stringify(dtype)} ${why}`);
  }
  const shape = value.get('shape');
  if (!Array.isArray(shape) || !shape.every((d): d is number => typeof d === 'number')) {
    throw new FormatError(
      source,
      `${where} needs "shape" as a list of non-negative integers, found ${kindOf(shape)}`,
    );
  }
  const offsets = value.get('data_offsets');
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((d) => typeof d === 'number')) {
    throw new FormatError(source, `${where} needs "data_offsets" as [begin, end], found ${kindOf(offsets)}`);
  }
  const [begin, end] = offsets as [number, number];
  if (end < begin)
    throw new FormatError(source, `${where} data_offsets [${begin},${end}] end before they begin`);
  let count = 1;
  for (const d of shape) {
    count *= d;
    if (count > Number.MAX_SAFE_INTEGER)
      throw new FormatError(source, `${where} shape ${formatShape(shape)} is too large`);
  }
  const nbytes = count * SAFETENSORS_DTYPES[dtype].size;
  if (end - begin !== nbytes) {
    throw new FormatError(
      source,
      `${where} holds ${end - begin} bytes but shape ${formatShape(shape)} of ${dtype} needs ${nbytes}`,
    );
  }
  return { name, dtype, shape, begin, end };
}

function kindOf(v: HeaderValue | undefined): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return `a list of ${v.length}`;
  if (v instanceof Map) return 'an object';
  return `${typeof v} ${JSON.stringify(v)}`;
}

function readElements(region: Uint8Array, e: HeaderEntry, source: string): TypedArray {
  const info = SAFETENSORS_DTYPES[e.dtype];
  const n = region.length / info.size;
  if (LITTLE_ENDIAN_HOST && (e.dtype === 'F32' || e.dtype === 'F64' || e.dtype === 'I32')) {
    // A copy, not a view: the file's data may sit at any alignment, and the caller may drop the file.
    const out =
      e.dtype === 'F32' ? new Float32Array(n) : e.dtype === 'F64' ? new Float64Array(n) : new Int32Array(n);
    new Uint8Array(out.buffer).set(region);
    return out;
  }
  const v = new DataView(region.buffer, region.byteOffset, region.length);
  switch (e.dtype) {
    case 'F32':
    case 'F16':
    case 'BF16': {
      const out = new Float32Array(n);
      if (e.dtype === 'F32') for (let i = 0; i < n; i++) out[i] = v.getFloat32(4 * i, true);
      else if (e.dtype === 'F16')
        for (let i = 0; i < n; i++) out[i] = float16ToFloat32(v.getUint16(2 * i, true));
      else for (let i = 0; i < n; i++) out[i] = bfloat16ToFloat32(v.getUint16(2 * i, true));
      return out;
    }
    case 'F64': {
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = v.getFloat64(8 * i, true);
      return out;
    }
    case 'BOOL': {
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        const b = region[i]!;
        if (b > 1)
          throw new FormatError(source, `tensor "${e.name}" (BOOL) element ${i} is ${b}, not 0 or 1`);
        out[i] = b;
      }
      return out;
    }
    case 'U8':
      return Int32Array.from(region);
    case 'I8':
      return Int32Array.from(new Int8Array(region.buffer, region.byteOffset, n));
    case 'I16':
    case 'U16': {
      const out = new Int32Array(n);
      if (e.dtype === 'I16') for (let i = 0; i < n; i++) out[i] = v.getInt16(2 * i, true);
      else for (let i = 0; i < n; i++) out[i] = v.getUint16(2 * i, true);
      return out;
    }
    case 'I32': {
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) out[i] = v.getInt32(4 * i, true);
      return out;
    }
    case 'I64': {
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        const lo = v.getInt32(8 * i, true);
        const hi = v.getInt32(8 * i + 4, true);
        // It fits in int32 exactly when the high word is the sign extension of the low word.
        if (hi !== lo >> 31) {
          const value = (BigInt(hi) << 32n) + BigInt(lo >>> 0);
          throw new FormatError(
            source,
            `tensor "${e.name}" (I64) element ${i} is ${value}, outside the int32 range Nabla reads I64 into`,
          );
        }
        out[i] = lo;
      }
      return out;
    }
  }
}
