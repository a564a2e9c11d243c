/**
 * @nabla/io — tensors to bytes and back: safetensors (the format PyTorch reads), training checkpoints
 * with a checksum, and the file-level state-dict check. No Node built-ins: this entry runs in a
 * browser; files live in `@nabla/io/node`.
 */
export {
  CHECKPOINT_VERSION,
  type Checkpoint,
  type CheckpointInput,
  decodeCheckpoint,
  encodeCheckpoint,
  type JsonValue,
} from './checkpoint.js';
export { crc32, crc32Hex } from './crc32.js';
export { bfloat16ToFloat32, float16ToFloat32, float32ToBfloat16, float32ToFloat16 } from './float16.js';
export {
  decodeSafetensors,
  decodeSafetensorsHeader,
  type HeaderEntry,
  type SafetensorsHeader,
  type EncodeSafetensorsOptions,
  encodeSafetensors,
  MAX_HEADER_BYTES,
  type Safetensors,
  type TensorMap,
} from './safetensors.js';
export { isSafetensorsDType, SAFETENSORS_DTYPES, type SafetensorsDType } from './safetensors-dtype.js';
export { checkStateDict, compareStateDict, type StateDictMismatch } from './state-dict-check.js';
export { decodeUtf8, encodeUtf8 } from './utf8.js';
