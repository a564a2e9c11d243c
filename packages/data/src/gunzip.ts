import { FormatError } from '@nabla/tensor';
import { Inflate } from 'fflate';
import { crc32 } from '@nabla/io';

/** True when the bytes start with the gzip magic 0x1f 0x8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

// Header flags of RFC 1952, section 2.3.1.
const FHCRC = 2;
const FEXTRA = 4;
const FNAME = 8;
const FCOMMENT = 16;
const RESERVED = 0xe0;

/** The most bytes `gunzip` inflates by default: 1 GiB (MNIST's largest file is 47 MB). */
export const MAX_GUNZIP_BYTES = 2 ** 30;

/** Options of {@link gunzip}: the limits that keep a small file from inflating to gigabytes. */
export interface GunzipOptions {
  /** Refuse data that inflates to more than this many bytes (default MAX_GUNZIP_BYTES). */
  maxBytes?: number;
  /**
   * The size the data declares for itself, read from its first inflated bytes (an IDX header):
   * returns the byte count once `prefix` holds enough of the header, undefined to ask for more,
   * or throws to refuse the header. Inflating stops as soon as the output passes that count.
   */
  declaredBytes?: (prefix: Uint8Array) => number | undefined;
}

/** Compressed bytes handed to the inflater per step: small, so one step cannot inflate unchecked. */
const STEP = 4096;

/**
 * Decompresses one gzip member (RFC 1952) and checks its trailer: the CRC-32 and the length of the
 * uncompressed data must match, so truncated, extended or corrupted files are refused with a
 * FormatError naming `source`. We parse the header ourselves and hand fflate only the deflate
 * stream, inflated as a stream a few kilobytes of input at a time: the output is counted as it
 * grows, and refused once it passes `maxBytes` or the size the data's own header declares, so a
 * small file that would inflate to gigabytes (a "zip bomb") never gets the memory to do it.
 */
export function gunzip(bytes: Uint8Array, source = 'gzip', options: GunzipOptions = {}): Uint8Array {
  const fail = (what: string): never => {
    throw new FormatError(source, `not a valid gzip file: ${what}`);
  };
  if (!isGzip(bytes)) fail('wrong magic (expected 0x1f 0x8b)');
  if (bytes.length < 18) fail(`truncated: a gzip file has at least 18 bytes, got ${bytes.length}`);
  if (bytes[2] !== 8) fail(`unknown compression method ${bytes[2]} (expected 8, deflate)`);
  const flags = bytes[3]!;
  if (flags & RESERVED) fail(`reserved header flag bits set (0x${flags.toString(16)})`);
  let pos = 10;
  if (flags & FEXTRA) pos += 2 + (bytes[10]! | (bytes[11]! << 8));
  for (const flag of [FNAME, FCOMMENT]) {
    if (!(flags & flag)) continue;
    while (pos < bytes.length && bytes[pos] !== 0) pos++;
    pos++; // the terminating zero
  }
  if (flags & FHCRC) pos += 2;
  const trailer = bytes.length - 8;
  if (pos > trailer) fail(`truncated: the header runs to byte ${pos} but the file has ${bytes.length} bytes`);

  let limit = options.maxBytes ?? MAX_GUNZIP_BYTES;
  let declared: number | undefined;
  const chunks: Uint8Array[] = [];
  let total = 0;
  let ended = false;
  const inflater = new Inflate((chunk, final) => {
    chunks.push(chunk);
    total += chunk.length;
    if (final) ended = true;
    if (declared === undefined && options.declaredBytes) {
      declared = options.declaredBytes(concat(chunks, Math.min(total, 4 + 4 * 255)));
      if (declared !== undefined && declared < limit) limit = declared;
    }
    if (total > limit) {
      const what =
        declared !== undefined ? `the ${declared} bytes its header declares` : `the limit of ${limit} bytes`;
      throw new FormatError(source, `inflates to more than ${what}; refused before inflating the rest`);
    }
  });
  const stream = bytes.subarray(pos, trailer);
  try {
    for (let at = 0; at < stream.length && !ended; at += STEP)
      inflater.push(stream.subarray(at, Math.min(stream.length, at + STEP)), at + STEP >= stream.length);
  } catch (e) {
    if (e instanceof FormatError) throw e;
    return fail(`the compressed data is corrupted or truncated (${(e as Error).message})`);
  }
  if (!ended) fail('the compressed data is truncated (no final block)');
  const out = concat(chunks, total);
  const view = new DataView(bytes.buffer, bytes.byteOffset + trailer, 8);
  const expectedCrc = view.getUint32(0, true);
  const expectedLength = view.getUint32(4, true);
  if (expectedLength !== out.length >>> 0) {
    fail(`the trailer says ${expectedLength} uncompressed bytes, but the data inflates to ${out.length}`);
  }
  const actualCrc = crc32(out);
  if (expectedCrc !== actualCrc) {
    fail(`CRC-32 mismatch: the trailer says 0x${hex32(expectedCrc)}, the data gives 0x${hex32(actualCrc)}`);
  }
  return out;
}

/** The first `length` bytes of the chunks, as one array. */
function concat(chunks: readonly Uint8Array[], length: number): Uint8Array {
  if (chunks.length === 1 && chunks[0]!.length === length) return chunks[0]!;
  const out = new Uint8Array(length);
  let at = 0;
  for (const c of chunks) {
    if (at >= length) break;
    const part = c.subarray(0, length - at);
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function hex32(x: number): string {
  return x.toString(16).padStart(8, '0');
}
