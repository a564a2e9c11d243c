/**
 * CRC-32 (IEEE 802.3, the polynomial of zip, PNG and gzip), hand-written: a checkpoint stores it so
 * that a flipped data byte, which the safetensors structure alone cannot notice, is refused on load.
 * Any burst of up to 32 changed bits is always detected.
 */

const TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    // The reflected polynomial 0xEDB88320: bytes enter least significant bit first.
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/**
 * Continues a CRC over more bytes: `crc32(b, crc32(a))` equals `crc32(a ++ b)`, so a large buffer
 * can be checksummed in pieces without concatenating them.
 */
export function crc32(bytes: Uint8Array, previous = 0): number {
  let c = ~previous >>> 0;
  for (let i = 0; i < bytes.length; i++) c = TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

/** A CRC as the eight lowercase hex digits the checkpoint metadata stores. */
export function crc32Hex(value: number): string {
  return (value >>> 0).toString(16).padStart(8, '0');
}
