import { FormatError, ShapeError, ValueError } from '@nabla/tensor';
import { gzipSync } from 'fflate';
import { gunzip, isGzip, MAX_GUNZIP_BYTES } from './gunzip.js';

/**
 * The IDX format of the MNIST files (LeCun's page): two zero bytes, a type code, the rank; then
 * one big-endian uint32 per dimension; then the elements, big-endian, row-major, nothing after.
 */
export type IdxDType = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';
/** The typed array of each IDX element type. */
export type IdxData = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

/** A parsed IDX file: its element type, its dimensions and its elements in host byte order. */
export interface IdxArray {
  /** The element type from the header. */
  dtype: IdxDType;
  /** The dimensions from the header. */
  shape: number[];
  /** The values, row-major. */
  data: IdxData;
  /** Where the bytes came from (a file name), for error messages further on. */
  source?: string;
}

interface IdxType {
  code: number;
  dtype: IdxDType;
  bytes: number;
  make: (buffer: ArrayBuffer) => IdxData;
}

const TYPES: readonly IdxType[] = [
  { code: 0x08, dtype: 'uint8', bytes: 1, make: (b) => new Uint8Array(b) },
  { code: 0x09, dtype: 'int8', bytes: 1, make: (b) => new Int8Array(b) },
  { code: 0x0b, dtype: 'int16', bytes: 2, make: (b) => new Int16Array(b) },
  { code: 0x0c, dtype: 'int32', bytes: 4, make: (b) => new Int32Array(b) },
  { code: 0x0d, dtype: 'float32', bytes: 4, make: (b) => new Float32Array(b) },
  { code: 0x0e, dtype: 'float64', bytes: 8, make: (b) => new Float64Array(b) },
];

const KNOWN_CODES = TYPES.map((t) => hex(t.code)).join(', ');

// Typed arrays use the host's byte order; IDX is big-endian, so on little-endian hosts (all
// current ones) each element's bytes are reversed. Copying bytes, never numbers, keeps every bit,
// NaN payloads included, so parse(encode(a)) is exact.
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function swapInto(src: Uint8Array, dst: Uint8Array, width: number): void {
  if (width === 1 || !LITTLE_ENDIAN) {
    dst.set(src);
    return;
  }
  for (let i = 0; i < src.length; i += width) {
    for (let k = 0; k < width; k++) dst[i + k] = src[i + width - 1 - k]!;
  }
}

/** At most this many dimensions are printed in a message; the rest are counted. */
const SHOWN_DIMS = 10;

/** Dimensions as `[2,2,…]` for messages, cut after ten with the count of the rest. */
export function formatDims(shape: readonly number[]): string {
  if (shape.length <= SHOWN_DIMS) return `[${shape.join(',')}]`;
  return `[${shape.slice(0, SHOWN_DIMS).join(',')},… and ${shape.length - SHOWN_DIMS} more]`;
}

interface IdxHeader {
  type: IdxType;
  shape: number[];
  headerBytes: number;
  /** Total bytes the header declares: header + count × element size (may exceed 2^53: Infinity). */
  totalBytes: number;
}

/**
 * The header at the start of `bytes`, or undefined when more bytes are needed to read it. Refuses
 * a wrong magic, an unknown type code and a rank of 0 through `fail`.
 */
function readIdxHeader(bytes: Uint8Array, fail: (what: string) => never): IdxHeader | undefined {
  if (bytes.length < 4) return undefined;
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    fail(`wrong magic: expected the first two bytes 0x00 0x00, got ${hex(bytes[0]!)} ${hex(bytes[1]!)}`);
  }
  const type = TYPES.find((t) => t.code === bytes[2]);
  if (!type) return fail(`unknown type code ${hex(bytes[2]!)} (known: ${KNOWN_CODES})`);
  const rank = bytes[3]!;
  if (rank === 0) fail('rank 0 (an IDX array needs at least one dimension)');
  const headerBytes = 4 + 4 * rank;
  if (bytes.length < headerBytes) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, headerBytes);
  const shape: number[] = [];
  for (let i = 0; i < rank; i++) shape.push(view.getUint32(4 + 4 * i, false));
  const count = shape.reduce((a, b) => a * b, 1);
  return { type, shape, headerBytes, totalBytes: headerBytes + count * type.bytes };
}

/** What an IDX header says: the layout a reader that streams the elements needs (see IdxDatastore). */
export interface IdxLayout {
  /** The element type. */
  dtype: IdxDType;
  /** The dimensions. */
  shape: number[];
  /** Bytes before the first element: 4 + 4 × rank. */
  headerBytes: number;
  /** Bytes per element. */
  elementBytes: number;
  /** Bytes of the whole file as the header declares it (header + elements). */
  totalBytes: number;
}

/**
 * Reads only the header at the start of `prefix` (the first bytes of a file), for readers that
 * then read the elements piece by piece. Returns undefined when `prefix` is too short to hold the
 * whole header; refuses a wrong magic, an unknown type code and a rank of 0 with a FormatError
 * naming `source`.
 */
export function readIdxLayout(prefix: Uint8Array, source: string): IdxLayout | undefined {
  const header = readIdxHeader(prefix, (what) => {
    throw new FormatError(source, `not a valid IDX file: ${what}`);
  });
  if (!header) return undefined;
  const { type, shape, headerBytes, totalBytes } = header;
  return { dtype: type.dtype, shape, headerBytes, elementBytes: type.bytes, totalBytes };
}

/**
 * Big-endian IDX elements (a whole number of them, as read from the file) as a typed array of
 * `dtype` in the host's byte order, in a fresh buffer.
 */
export function idxElementsToHost(bytes: Uint8Array, dtype: IdxDType): IdxData {
  const type = TYPES.find((t) => t.dtype === dtype)!;
  const out = new Uint8Array(bytes.length);
  swapInto(bytes, out, type.bytes);
  return type.make(out.buffer);
}

/** Options of {@link parseIdx}. */
export interface ParseIdxOptions {
  /** Refuse a file whose header declares more than this many bytes (default 1 GiB, MAX_GUNZIP_BYTES). */
  maxBytes?: number;
}

/**
 * Reads an IDX file, raw or gzip-compressed (detected by the magic 0x1f 0x8b). Refuses, with a
 * FormatError naming `source`: a wrong magic, an unknown type code, a rank of 0, a truncated header,
 * a declared size above `maxBytes`, and data shorter or longer than the dimensions say (expected and
 * actual byte counts). A .gz file is inflated as a stream: its header is read from the first bytes
 * out, and inflating stops as soon as the output passes the size that header declares.
 */
export function parseIdx(bytes: Uint8Array, source = 'idx', options: ParseIdxOptions = {}): IdxArray {
  const fail = (what: string): never => {
    throw new FormatError(source, `not a valid IDX file: ${what}`);
  };
  const maxBytes = options.maxBytes ?? MAX_GUNZIP_BYTES;
  const declared = (header: IdxHeader): number => {
    if (header.totalBytes > maxBytes) {
      fail(
        `its header declares ${formatDims(header.shape)} ${header.type.dtype}, ${header.totalBytes} bytes, ` +
          `more than the limit of ${maxBytes}`,
      );
    }
    return header.totalBytes;
  };
  if (isGzip(bytes)) {
    bytes = gunzip(bytes, source, {
      maxBytes,
      declaredBytes: (prefix) => {
        const header = readIdxHeader(prefix, fail);
        return header ? declared(header) : undefined;
      },
    });
  }
  const header = readIdxHeader(bytes, fail);
  if (!header) {
    const rank = bytes.length >= 4 ? bytes[3]! : 0;
    if (bytes.length < 4) fail(`truncated: the header needs at least 4 bytes, got ${bytes.length}`);
    return fail(`truncated header: rank ${rank} needs ${4 + 4 * rank} header bytes, got ${bytes.length}`);
  }
  const { type, shape, headerBytes } = header;
  const count = shape.reduce((a, b) => a * b, 1);
  const expected = header.totalBytes;
  if (bytes.length !== expected) {
    const dims = `${formatDims(shape)} ${type.dtype}`;
    const verdict = bytes.length < expected ? 'truncated' : 'too long';
    fail(
      `${verdict}: ${dims} needs ${expected} bytes (${headerBytes} header + ${count} × ${type.bytes}), ` +
        `got ${bytes.length}`,
    );
  }
  const out = new Uint8Array(count * type.bytes);
  swapInto(bytes.subarray(headerBytes), out, type.bytes);
  return { dtype: type.dtype, shape, data: type.make(out.buffer), source };
}

/** Options of {@link encodeIdx}. */
export interface EncodeIdxOptions {
  /** Compress with gzip (fflate), as the files on LeCun's page are. */
  gzip?: boolean;
}

/** Writes an array as IDX bytes (the inverse of parseIdx): for test sets and small exports. */
export function encodeIdx(array: IdxArray, options: EncodeIdxOptions = {}): Uint8Array {
  const type = TYPES.find((t) => t.dtype === array.dtype);
  if (!type)
    throw new ValueError(
      'encodeIdx',
      `unknown dtype '${array.dtype}' (known: ${TYPES.map((t) => t.dtype).join(', ')})`,
    );
  const { shape, data } = array;
  if (shape.length < 1 || shape.length > 255) {
    throw new ShapeError('encodeIdx', `rank must be 1 to 255, got ${shape.length}`);
  }
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0 || d > 0xffffffff) {
      throw new ShapeError('encodeIdx', `dimensions must be integers in [0, 2^32), got [${shape.join(',')}]`);
    }
  }
  const expectedType = type.make(new ArrayBuffer(0)).constructor;
  if (data.constructor !== expectedType) {
    throw new ValueError(
      'encodeIdx',
      `dtype ${array.dtype} needs a ${expectedType.name}, got a ${data.constructor.name}`,
    );
  }
  const count = shape.reduce((a, b) => a * b, 1);
  if (data.length !== count) {
    throw new ShapeError(
      'encodeIdx',
      `shape [${shape.join(',')}] needs ${count} elements, got ${data.length}`,
    );
  }
  const headerBytes = 4 + 4 * shape.length;
  const out = new Uint8Array(headerBytes + count * type.bytes);
  const view = new DataView(out.buffer);
  out[2] = type.code;
  out[3] = shape.length;
  for (let i = 0; i < shape.length; i++) view.setUint32(4 + 4 * i, shape[i]!, false);
  swapInto(
    new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    out.subarray(headerBytes),
    type.bytes,
  );
  return options.gzip ? gzipSync(out) : out;
}

function hex(byte: number): string {
  return `0x${byte.toString(16).padStart(2, '0')}`;
}
