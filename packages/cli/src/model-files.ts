import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadSafetensors, saveSafetensors, writeFileAtomic } from '@nabla/io/node';
import { type Architecture, assembleNetwork, layersFromConfig, type Network } from '@nabla/models';
import { UserError } from './user-error.js';

export const MODEL_WEIGHTS = 'model.safetensors';
export const MODEL_JSON = 'model.json';
const FORMAT = 'nabla-model';
const VERSION = 1;

/** model.json: how to rebuild the network that model.safetensors holds the weights of. */
export interface ModelJson {
  format: typeof FORMAT;
  version: typeof VERSION;
  /** 'lenet', 'mlp': the name the network was trained under. */
  model: string;
  architecture: Architecture;
  /** One example's shape without the batch axis: [1, 28, 28] for LeNet, [784] for an MLP. */
  inputShape: number[];
  /** The input layer's normalization ('zerocenter': the training mean image, stored as `input.mean`). */
  normalization: string;
  classes: string[];
  /** What the inputs are: 28×28 grayscale digits scaled to [0, 1], or photos with 0 … 255 pixels. */
  input: ModelInput;
}

export type ModelInput =
  | { kind: 'grayscale-image'; height: number; width: number; scale: '[0,1]' }
  | { kind: 'photo'; height: number; width: number; channels: number; scale: '[0,255]' };

/** Photos (imported or --images networks): pixels 0 … 255, as Matlab's uint8 images. */
export function photoInput(net: Network): ModelInput {
  const [c, h, w] = net.inputShape as [number, number, number];
  return { kind: 'photo', height: h, width: w, channels: c, scale: '[0,255]' };
}

export function modelJson(model: string, net: Network, input?: ModelInput): ModelJson {
  if (!net.architecture)
    throw new Error(`the ${model} network has no architecture to save (built without layer configs)`);
  return {
    format: FORMAT,
    version: VERSION,
    model,
    architecture: net.architecture,
    inputShape: net.inputShape.slice(),
    normalization: net.normalization,
    classes: net.classes.slice(),
    input: input ?? { kind: 'grayscale-image', height: 28, width: 28, scale: '[0,1]' },
  };
}

/** Writes model.safetensors (the state dict, PyTorch names) and model.json, each atomically. */
export async function saveModel(dir: string, model: string, net: Network, input?: ModelInput): Promise<void> {
  await mkdir(dir, { recursive: true });
  await saveSafetensors(join(dir, MODEL_WEIGHTS), net.stateDict(), {
    'nabla.format': 'model',
    'nabla.model': model,
  });
  await writeJson(join(dir, MODEL_JSON), modelJson(model, net, input));
}

/** JSON written atomically, ending with a newline. */
export async function writeJson(path: string, value: unknown): Promise<void> {
  await writeFileAtomic(path, new TextEncoder().encode(`${JSON.stringify(value, null, 2)}\n`));
}

/** Reads and parses a JSON file, refusing a missing or malformed one with the path in the message. */
export async function readJson(path: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(
      `cannot read ${what} ${path}: ${code === 'ENOENT' ? 'no such file' : (e as Error).message}`,
    );
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UserError(`${path}: not valid JSON (${(e as Error).message})`);
  }
}

/**
 * The network saved in `dir`: model.json rebuilds the layers (no random draws matter: every
 * weight is then replaced), and model.safetensors must hold exactly the network's tensors with
 * their shapes (a strict load: a missing, extra or mis-shaped tensor is refused by name).
 */
export async function loadModel(dir: string): Promise<{ net: Network; meta: ModelJson }> {
  const meta = (await readJson(join(dir, MODEL_JSON), 'the model description')) as Partial<ModelJson> | null;
  const where = join(dir, MODEL_JSON);
  if (!meta || meta.format !== FORMAT || meta.version !== VERSION) {
    throw new UserError(
      `${where}: not a Nabla model description (expected format "${FORMAT}", version ${VERSION})`,
    );
  }
  const arch = meta.architecture;
  const layers = arch && arch.type === 'layers' && Array.isArray(arch.layers) ? arch.layers : null;
  if (!layers?.every((l) => l !== null && typeof l === 'object' && typeof l.factory === 'string')) {
    throw new UserError(
      `${where}: the architecture must be a layer array ({ "type": "layers", "layers": [...] })`,
    );
  }
  const net = assembleNetwork(layersFromConfig(layers));
  if (Array.isArray(meta.classes) && meta.classes.length === net.classes.length)
    net.classes = meta.classes.map(String);
  const weights = await loadSafetensors(join(dir, MODEL_WEIGHTS));
  net.loadStateDict(weights.tensors, { strict: true });
  if (net.normalization !== 'none' && !net.mean) {
    throw new UserError(
      `${join(dir, MODEL_WEIGHTS)}: the network normalizes its input but the file holds no input.mean`,
    );
  }
  net.eval();
  return { net, meta: meta as ModelJson };
}
