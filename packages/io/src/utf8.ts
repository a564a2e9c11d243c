import { FormatError } from '@nabla/tensor';

/**
 * Strict UTF-8 through the platform's TextEncoder/TextDecoder (every browser, Node ≥ 11). This
 * package compiles without DOM or Node types so that no Node built-in slips into the browser entry;
 * lib ES2022 does not declare these two classes, so we reach them through globalThis with the slice
 * of their types we use instead of declaring globals that would clash with a user's DOM types.
 */
interface Utf8Decoder {
  decode(bytes: Uint8Array): string;
}
interface Utf8Encoder {
  encode(text: string): Uint8Array;
}
interface TextCodecs {
  TextDecoder: new (label: string, options: { fatal: boolean; ignoreBOM: boolean }) => Utf8Decoder;
  TextEncoder: new () => Utf8Encoder;
}

const codecs = globalThis as unknown as TextCodecs;
// fatal: malformed bytes throw instead of turning into U+FFFD; ignoreBOM: a byte-order mark stays in
// the text, so the JSON parser refuses it (the reference reader does too) rather than skipping it.
const decoder = new codecs.TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const encoder = new codecs.TextEncoder();

/** Encodes `text` as UTF-8 bytes (lone surrogates become U+FFFD, as TextEncoder does). */
export function encodeUtf8(text: string): Uint8Array {
  return encoder.encode(text);
}

/** Decodes UTF-8, refusing malformed sequences with a FormatError that names `source`. */
export function decodeUtf8(bytes: Uint8Array, source: string, what: string): string {
  try {
    return decoder.decode(bytes);
  } catch {
    throw new FormatError(source, `${what} is not valid UTF-8`);
  }
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** False for a string with a lone surrogate, which UTF-8 cannot hold (the encoder would swap in U+FFFD). */
export function isWellFormed(text: string): boolean {
  return !LONE_SURROGATE.test(text);
}
