/**
 * CRC-32 (IEEE 802.3, the polynomial of zip, PNG and gzip), hand-written: a checkpoint stores it so
 * that a flipped data byte, which the safetensors structure alone cannot notice, is refused on load.
 * Any burst of up to 32 changed bits is always detected.
 */

// TABLES[0] is the classic byte-at-a-time table; TABLES[k][n] is the CRC of byte n followed by k zero
// bytes, so four bytes can be folded in with four lookups at once ("slicing by 4", about 3× faster
// than one byte at a time, which matters for a 240 MB AlexNet checkpoint).
const TABLES = (() => {
  const t = Array.from({ length: 4 }, () => new Uint32Array(256));
  for (let n = 0; n < 256; n++) {
    let c = n;
    // The reflected polynomial 0xEDB88320: bytes enter least significant bit first.
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[0]![n] = c >>> 0;
  }
  for (let n = 0; n < 256; n++) {
    for (let k = 1; k < 4; k++) t[k]![n] = (t[k - 1]![n]! >>> 8) ^ t[0]![t[k - 1]![n]! & 0xff]!;
  }
  return t as [Uint32Array, Uint32Array, Uint32Array, Uint32Array];
})();

/**
 * Continues a CRC over more bytes: `crc32(b, crc32(a))` equals `crc32(a ++ b)`, so a large buffer
 * can be checksummed in pieces without concatenating them.
 */
export function crc32(bytes: Uint8Array, previous = 0): number {
  const [t0, t1, t2, t3] = TABLES;
  let c = ~previous >>> 0;
  let i = 0;
  const end4 = bytes.length - (bytes.length % 4);
  for (; i < end4; i += 4) {
    c ^= bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24);
    c = t3[c & 0xff]! ^ t2[(c >>> 8) & 0xff]! ^ t1[(c >>> 16) & 0xff]! ^ t0[c >>> 24]!;
  }
  for (; i < bytes.length; i++) c = t0[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

/** A CRC as the eight lowercase hex digits the checkpoint metadata stores. */
export function crc32Hex(value: number): string {
  return (value >>> 0).toString(16).padStart(8, '0');
}
