import {
  type Checkpoint,
  type CheckpointInput,
  decodeCheckpoint,
  encodeCheckpoint,
  type JsonValue,
} from '../index.js';
import { writeFileAtomic } from './atomic-write.js';
import { readFileForLoad } from './read-file.js';

/** Writes a checkpoint atomically: a run killed mid-save still finds the previous checkpoint whole. */
export async function saveCheckpoint(path: string, checkpoint: CheckpointInput): Promise<void> {
  await writeFileAtomic(path, encodeCheckpoint(checkpoint));
}

/** Reads a checkpoint, verifying structure and checksum; refusals are FormatErrors naming the path. */
export async function loadCheckpoint<S = JsonValue>(path: string): Promise<Checkpoint<S>> {
  return decodeCheckpoint<S>(await readFileForLoad(path), path);
}
