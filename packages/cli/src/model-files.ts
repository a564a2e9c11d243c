import { readFileForLoad, writeFileAtomic } from '@nabla/io/node';
import {
  MODEL_JSON,
  MODEL_WEIGHTS,
  type ModelInputDescription,
  type ModelJson,
  type Network,
} from '@nabla/models';
import { loadModelFiles, saveModelFiles } from '@nabla/models/node';
import { FormatError } from '@nabla/tensor';
import { UserError } from './user-error.js';

export { MODEL_JSON, MODEL_WEIGHTS, type ModelJson };

/** The largest JSON file the CLI reads (an applicant, a model description): 16 MiB. */
export const MAX_JSON_BYTES = 16 * 2 ** 20;

/** What the CLI's digit networks take: 28×28 grayscale digits scaled to [0, 1] (kept in model.json). */
const DIGIT_INPUT = { kind: 'grayscale-image', height: 28, width: 28, scale: '[0,1]' } as const;

/** Photo networks (imported from ONNX, or trained on --images): pixels 0 … 255, as Matlab's uint8 images. */
export function photoInput(net: Network): ModelInputDescription {
  const [, h, w] = net.inputShape as [number, number, number];
  return { kind: 'photo', height: h, width: w, scale: '[0,255]' };
}

/**
 * Writes model.safetensors (the state dict, PyTorch names) and model.json, each atomically, with
 * @nabla/models' saveModel: a model the CLI trains loads in the library, in Node or a browser.
 */
export async function saveModel(
  dir: string,
  model: string,
  net: Network,
  input: ModelInputDescription = DIGIT_INPUT,
): Promise<void> {
  await saveModelFiles(dir, net, { model, input });
}

/** JSON written atomically, ending with a newline. */
export async function writeJson(path: string, value: unknown): Promise<void> {
  await writeFileAtomic(path, new TextEncoder().encode(`${JSON.stringify(value, null, 2)}\n`));
}

/**
 * Reads and parses a JSON file, refusing a missing, non-regular (a device, a FIFO), oversized
 * (over MAX_JSON_BYTES) or malformed one with the path in the message, before reading it whole.
 */
export async function readJson(path: string, what: string): Promise<unknown> {
  let bytes: Uint8Array;
  try {
    bytes = await readFileForLoad(path, { maxBytes: MAX_JSON_BYTES, what });
  } catch (e) {
    if (e instanceof FormatError) throw new UserError(`cannot read ${what} ${e.message}`);
    throw e;
  }
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch (e) {
    throw new UserError(`${path}: not valid JSON (${(e as Error).message.slice(0, 120)})`);
  }
}

/**
 * The network saved in `dir`, with @nabla/models' loadModelFiles: model.json is checked against
 * model.safetensors' header (names, shapes, bytes) before a layer is built, non-finite weights are
 * refused by name, and the network must take one 28×28 digit ([1,28,28] or [784]) — or be a photo
 * network (model.json's input kind 'photo'), which takes photos of its own size.
 */
export async function loadModel(dir: string): Promise<{ net: Network; meta: ModelJson }> {
  const loaded = await loadModelFiles(dir);
  const size = loaded.net.inputShape.reduce((a, b) => a * b, 1);
  // Photo networks (nabla import, --images) take their own size of PNG/JPEG photos.
  if (loaded.meta.input?.kind === 'photo' && loaded.net.inputShape.length === 3) return loaded;
  if (size !== 784)
    throw new UserError(
      `${dir}/${MODEL_JSON}: the CLI feeds 28×28 digits, but this network takes [${loaded.net.inputShape.join(',')}]`,
    );
  return loaded;
}
