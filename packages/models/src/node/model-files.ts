import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { readFileForLoad, writeFileAtomic } from '@nabla/io/node';
import {
  loadModel,
  MAX_MODEL_JSON_BYTES,
  MODEL_JSON,
  MODEL_WEIGHTS,
  type ModelJson,
  type SaveModelOptions,
  saveModel,
} from '../model-format.js';
import type { Network } from '../network.js';

/**
 * Writes `dir/model.safetensors` and `dir/model.json` (saveModel's bytes), each atomically: a
 * crash leaves the previous file or the new one, never a torn one. Creates `dir` if needed.
 */
export async function saveModelFiles(
  dir: string,
  net: Network,
  options: SaveModelOptions = {},
): Promise<void> {
  const files = saveModel(net, options);
  await mkdir(dir, { recursive: true });
  await writeFileAtomic(join(dir, MODEL_WEIGHTS), files.weights);
  await writeFileAtomic(join(dir, MODEL_JSON), files.json);
}

/**
 * The network saved in `dir` (loadModel on its two files). Each file is checked before it is read:
 * a regular file (never a device or a FIFO), model.json at most MAX_MODEL_JSON_BYTES.
 */
export async function loadModelFiles(dir: string): Promise<{
  /** The rebuilt network, its weights loaded, in evaluation mode. */
  net: Network;
  /** The checked model.json. */
  meta: ModelJson;
}> {
  const jsonPath = join(dir, MODEL_JSON);
  const weightsPath = join(dir, MODEL_WEIGHTS);
  const json = await readFileForLoad(jsonPath, { maxBytes: MAX_MODEL_JSON_BYTES, what: 'model description' });
  const weights = await readFileForLoad(weightsPath);
  return loadModel({ json, weights }, { jsonSource: jsonPath, weightsSource: weightsPath });
}
