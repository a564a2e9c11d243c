import { FormatError, type NDArray, ValueError } from '@nabla/tensor';
import { crc32, crc32Hex } from './crc32.js';
import { decodeSafetensors, encodeSafetensors, type TensorMap } from './safetensors.js';
import { encodeUtf8 } from './utf8.js';

/**
 * A training checkpoint in ONE safetensors file, so any safetensors tool can open it:
 *   model.<name>      the weights (PyTorch names, e.g. `model.0.weight`)
 *   optimizer.<name>  the optimizer's buffers (momentum, Adam moments)
 *   __metadata__      nabla.format = "checkpoint", nabla.version = "1",
 *                     nabla.state  = the JSON training state (epoch, iteration, RNG state, history),
 *                     nabla.crc32  = CRC-32 of the whole file with these 8 hex digits read as "00000000".
 * The checksum covers header and data alike, so a flipped byte anywhere — a weight, a shape digit, a
 * character of the state — is refused on load; the format's own checks cannot see a changed weight.
 */

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export interface Checkpoint<S = JsonValue> {
  /** The model's tensors (a state dict). */
  weights: Map<string, NDArray>;
  /** The optimizer's buffers (empty when none were saved). */
  optimizer: Map<string, NDArray>;
  /** The JSON state saved beside them (epoch, generator, history, settings). */
  state: S;
}

export interface CheckpointInput {
  /** The model's tensors. */
  weights: TensorMap;
  /** The optimizer's buffers, if any. */
  optimizer?: TensorMap;
  /** Anything JSON holds exactly: no NaN or Infinity, no undefined, no class instances. */
  state: unknown;
}

export const CHECKPOINT_VERSION = '1';
const WEIGHTS = 'model.';
const OPTIMIZER = 'optimizer.';
const PLACEHOLDER = '00000000';
// The metadata keys are written sorted, and nabla.crc32 sorts first, so its value always sits at the
// same place: right after this prefix. A reader finds it without searching.
const CRC_PREFIX = encodeUtf8('{"__metadata__":{"nabla.crc32":"');
const CRC_AT = 8 + CRC_PREFIX.length;

export function encodeCheckpoint(checkpoint: CheckpointInput): Uint8Array {
  checkJson(checkpoint.state, 'state');
  const tensors = new Map<string, NDArray>();
  for (const [prefix, group] of [
    [WEIGHTS, checkpoint.weights],
    [OPTIMIZER, checkpoint.optimizer ?? new Map()],
  ] as const) {
    for (const [name, array] of group instanceof Map ? group : Object.entries(group))
      tensors.set(prefix + name, array);
  }
  const bytes = encodeSafetensors(tensors, {
    'nabla.crc32': PLACEHOLDER,
    'nabla.format': 'checkpoint',
    'nabla.state': JSON.stringify(checkpoint.state),
    'nabla.version': CHECKPOINT_VERSION,
  });
  bytes.set(encodeUtf8(crc32Hex(crc32(bytes))), CRC_AT);
  return bytes;
}

/** Reads a checkpoint, refusing with a FormatError naming `source` anything not exactly as written. */
export function decodeCheckpoint<S = JsonValue>(bytes: Uint8Array, source = 'checkpoint'): Checkpoint<S> {
  const file = decodeSafetensors(bytes, source);
  const meta = file.metadata;
  if (meta['nabla.format'] !== 'checkpoint') {
    throw new FormatError(
      source,
      'is a safetensors file but not a Nabla checkpoint (no nabla.format = "checkpoint")',
    );
  }
  if (meta['nabla.version'] !== CHECKPOINT_VERSION) {
    throw new FormatError(
      source,
      `checkpoint version ${meta['nabla.version']} is not the supported ${CHECKPOINT_VERSION}`,
    );
  }
  const stored = meta['nabla.crc32'];
  if (stored === undefined || !/^[0-9a-f]{8}$/.test(stored) || !startsWith(bytes, CRC_PREFIX, 8)) {
    throw new FormatError(source, 'checkpoint checksum is missing or not where the writer puts it');
  }
  // CRC of [start, digits) + "00000000" + (digits, end): the file as it was before the digits went in.
  let c = crc32(bytes.subarray(0, CRC_AT));
  c = crc32(encodeUtf8(PLACEHOLDER), c);
  c = crc32(bytes.subarray(CRC_AT + 8), c);
  if (crc32Hex(c) !== stored) {
    throw new FormatError(
      source,
      `checkpoint is corrupted: checksum ${crc32Hex(c)} does not match the stored ${stored}`,
    );
  }
  let state: S;
  try {
    state = JSON.parse(meta['nabla.state'] ?? '') as S;
  } catch {
    throw new FormatError(source, 'checkpoint state is not valid JSON');
  }
  const weights = new Map<string, NDArray>();
  const optimizer = new Map<string, NDArray>();
  for (const [name, array] of file.tensors) {
    if (name.startsWith(WEIGHTS)) weights.set(name.slice(WEIGHTS.length), array);
    else if (name.startsWith(OPTIMIZER)) optimizer.set(name.slice(OPTIMIZER.length), array);
    else throw new FormatError(source, `checkpoint tensor "${name}" is neither model.* nor optimizer.*`);
  }
  return { weights, optimizer, state };
}

function startsWith(bytes: Uint8Array, prefix: Uint8Array, at: number): boolean {
  if (bytes.length < at + prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[at + i] !== prefix[i]) return false;
  return true;
}

/** Refuses what JSON.stringify would change silently (NaN → null, undefined dropped, a Date → string). */
function checkJson(value: unknown, path: string, open: Set<object> = new Set()): void {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value))
      throw new ValueError('encodeCheckpoint', `${path} is ${value}, which JSON cannot hold`);
    return;
  }
  if (typeof value === 'object' && open.has(value)) {
    throw new ValueError(
      'encodeCheckpoint',
      `${path} refers back to an enclosing value; JSON cannot hold a cycle`,
    );
  }
  if (Array.isArray(value)) {
    open.add(value);
    for (let i = 0; i < value.length; i++) checkJson(value[i], `${path}[${i}]`, open);
    open.delete(value);
    return;
  }
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    open.add(value);
    for (const [k, v] of Object.entries(value)) checkJson(v, `${path}.${k}`, open);
    open.delete(value);
    return;
  }
  const kind = typeof value === 'object' ? (value.constructor?.name ?? 'object') : typeof value;
  throw new ValueError(
    'encodeCheckpoint',
    `${path} is ${kind}, not a JSON value (plain objects, arrays, numbers, strings)`,
  );
}
