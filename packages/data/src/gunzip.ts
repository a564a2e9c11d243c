import { FormatError } from '@nabla/tensor';
import { inflateSync } from 'fflate';
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

/**
 * Decompresses one gzip member (RFC 1952) and checks its trailer: the CRC-32 and the length of the
 * uncompressed data must match, so truncated, extended or corrupted files are refused with a
 * FormatError naming `source`. We parse the header ourselves and hand fflate only the deflate
 * stream: fflate's gunzipSync would allocate the (corruptible) trailer length up front and skips
 * the CRC check.
 */
export function gunzip(bytes: Uint8Array, source = 'gzip'): Uint8Array {
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

  let out: Uint8Array;
  try {
    out = inflateSync(bytes.subarray(pos, trailer));
  } catch (e) {
    return fail(`the compressed data is corrupted or truncated (${(e as Error).message})`);
  }
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

function hex32(x: number): string {
  return x.toString(16).padStart(8, '0');
}
