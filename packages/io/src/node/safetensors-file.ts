import {
  decodeSafetensors,
  type EncodeSafetensorsOptions,
  encodeSafetensors,
  type Safetensors,
  type TensorMap,
} from '../index.js';
import { writeFileAtomic } from './atomic-write.js';
import { readFileForLoad } from './read-file.js';

/** Writes tensors to a .safetensors file atomically (a crash leaves the old file or the new one). */
export async function saveSafetensors(
  path: string,
  tensors: TensorMap,
  metadata?: Readonly<Record<string, string>>,
  options?: EncodeSafetensorsOptions,
): Promise<void> {
  await writeFileAtomic(path, encodeSafetensors(tensors, metadata, options));
}

/** Reads and validates a .safetensors file; every refusal is a FormatError naming the path. */
export async function loadSafetensors(path: string): Promise<Safetensors> {
  return decodeSafetensors(await readFileForLoad(path), path);
}
