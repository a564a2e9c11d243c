import {
  decodeSafetensors,
  decodeSafetensorsHeader,
  decodeUtf8,
  encodeUtf8,
  encodeSafetensors,
  type HeaderEntry,
  SAFETENSORS_DTYPES,
} from '@nabla/io';
import { FormatError, formatShape, ShapeError, ValueError } from '@nabla/tensor';
import { type LayerConfig, layersFromConfig } from './layer-specs.js';
import { type Architecture, assembleNetwork, type Network } from './network.js';
import { elementCount, planNetwork } from './network-plan.js';

/** The file names of a saved model: the architecture as JSON, the weights as safetensors. */
export const MODEL_JSON = 'model.json';
/** The weights file of a saved model: its state dict as safetensors, with PyTorch's names. */
export const MODEL_WEIGHTS = 'model.safetensors';
const FORMAT = 'nabla-model';
const VERSION = 1;

/** The largest model.json read: 16 MiB (the CLI's LeNet writes 1.5 KB). */
export const MAX_MODEL_JSON_BYTES = 16 * 2 ** 20;
/** At most this many layers in a model.json (AlexNet has 25). */
export const MAX_MODEL_LAYERS = 1000;
/** A class name's longest length, in characters. */
export const MAX_CLASS_NAME_LENGTH = 256;
/** What a weights file's header may spend per planned tensor (its name, dtype, shape, offsets). */
const HEADER_BYTES_PER_TENSOR = 1024;
/** And in all besides (metadata). */
const HEADER_SLACK_BYTES = 64 * 1024;
/** At most this many names in one message; the rest are counted. */
const SHOWN_NAMES = 10;

/** What the network's inputs are (the CLI: 28×28 grayscale digits scaled to [0, 1]). */
export interface ModelInputDescription {
  /** What an input is, for tools ('grayscale-image', 'photo', …). */
  kind: string;
  /** Image height in pixels, for image inputs. */
  height?: number;
  /** Image width in pixels, for image inputs. */
  width?: number;
  /** The range the pixel values are fed in, as text ('[0,1]', '[0,255]'). */
  scale?: string;
}

/** model.json: how to rebuild the network whose weights model.safetensors holds. */
export interface ModelJson {
  /** Always 'nabla-model': what marks the file as this format. */
  format: typeof FORMAT;
  /** The format's version, 1. */
  version: typeof VERSION;
  /** 'lenet', 'mlp': the name the network was trained under. */
  model: string;
  /** The layer array the network was built from, as JSON (layer factories and their arguments). */
  architecture: Architecture & {
    /** Always 'layers': only networks built from a layer array can be saved. */
    type: 'layers';
  };
  /** One example's shape without the batch axis: [1, 28, 28] for LeNet, [784] for an MLP. */
  inputShape: number[];
  /** The input layer's normalization ('zerocenter': the training mean image, stored as `input.mean`). */
  normalization: string;
  /** The class names, one per output score, in output order. */
  classes: string[];
  /** What the inputs are, when the saver said (see SaveModelOptions.input). */
  input?: ModelInputDescription;
}

/** The two files of a saved model, as bytes. */
export interface ModelFiles {
  /** model.json, UTF-8. */
  json: Uint8Array;
  /** model.safetensors. */
  weights: Uint8Array;
}

/** Options of {@link saveModel}. */
export interface SaveModelOptions {
  /** The name the network is known by (default 'network'). */
  model?: string;
  /** What the inputs are, kept in model.json for tools that feed the network. */
  input?: ModelInputDescription;
}

/**
 * A network as the bytes of model.json (its layer array, input shape, normalization and classes)
 * and model.safetensors (its state dict with PyTorch's names, so PyTorch can read the weights).
 * Browsers can call it: write the bytes wherever they go (`@nabla/models/node` writes files).
 */
export function saveModel(net: Network, options: SaveModelOptions = {}): ModelFiles {
  const model = options.model ?? 'network';
  if (net.architecture?.type !== 'layers')
    throw new ValueError(
      'saveModel',
      `the ${model} network has no layer array to save (built without layer factories)`,
    );
  const json: ModelJson = {
    format: FORMAT,
    version: VERSION,
    model,
    architecture: net.architecture,
    inputShape: net.inputShape.slice(),
    normalization: net.normalization,
    classes: net.classes.slice(),
    ...(options.input ? { input: options.input } : {}),
  };
  return {
    json: encodeUtf8(`${JSON.stringify(json, null, 2)}\n`),
    weights: encodeSafetensors(net.stateDict(), { 'nabla.format': 'model', 'nabla.model': model }),
  };
}

/** Options of {@link loadModel}. */
export interface LoadModelOptions {
  /** How the two files are named in messages (default 'model.json' and 'model.safetensors'). */
  jsonSource?: string;
  /** How the weights file is named in messages (default 'model.safetensors'). */
  weightsSource?: string;
}

/**
 * The network saved by `saveModel`, in evaluation mode. Nothing is allocated for a layer before
 * model.json has been checked against the weights file: the layer array is planned (every
 * tensor's name and shape, each layer's output size) and compared with the safetensors header —
 * names, shapes and total bytes — and only an exact fit is built, from zeros (no random draws: the
 * weights replace them). Refuses, with a FormatError naming the file: a model.json larger than
 * MAX_MODEL_JSON_BYTES or not of this format; an unknown layer factory (own names only, never
 * `constructor`); a layer that would output more than MAX_ACTIVATION_ELEMENTS per example; classes
 * that are not one printable name per output; a missing, extra or mis-shaped tensor (ten named,
 * the rest counted); a NaN or infinite weight (named).
 */
export function loadModel(
  files: ModelFiles,
  options: LoadModelOptions = {},
): {
  /** The rebuilt network, its weights loaded, in evaluation mode. */
  net: Network;
  /** The checked model.json. */
  meta: ModelJson;
} {
  const jsonSource = options.jsonSource ?? MODEL_JSON;
  const weightsSource = options.weightsSource ?? MODEL_WEIGHTS;
  const meta = readModelJson(files.json, jsonSource);
  let plan: ReturnType<typeof planNetwork>;
  let specs: ReturnType<typeof layersFromConfig>;
  try {
    specs = layersFromConfig(meta.architecture.layers);
    plan = planNetwork(specs);
  } catch (e) {
    if (e instanceof ValueError || e instanceof FormatError || e instanceof ShapeError)
      throw new FormatError(jsonSource, (e as Error).message);
    throw e;
  }
  if (!sameShape(plan.inputShape, meta.inputShape))
    throw new FormatError(
      jsonSource,
      `"inputShape" ${formatShape(meta.inputShape)} differs from the layers' input ${formatShape(plan.inputShape)}`,
    );
  const classification = specs[specs.length - 1]?.kind === 'classification';
  if (classification && meta.classes.length !== plan.outputShape[0])
    throw new FormatError(
      jsonSource,
      `${meta.classes.length} classes for a network with ${plan.outputShape[0]} outputs`,
    );

  // The weights file's header against the plan: nothing of the data is read yet. Even the header
  // is parsed only when its length is what the planned tensors warrant (a name and a shape each).
  const w = files.weights;
  if (w.length >= 8) {
    const headerLength =
      new DataView(w.buffer, w.byteOffset, 8).getUint32(4, true) * 2 ** 32 +
      new DataView(w.buffer, w.byteOffset, 8).getUint32(0, true);
    const warranted = HEADER_SLACK_BYTES + HEADER_BYTES_PER_TENSOR * plan.tensors.size;
    if (headerLength > warranted)
      throw new FormatError(
        weightsSource,
        `its header is ${headerLength} bytes, more than the ${warranted} that the ${plan.tensors.size} tensors of ${jsonSource} warrant`,
      );
  }
  const header = decodeSafetensorsHeader(w, weightsSource);
  checkAgainstPlan(header.entries, plan.tensors, weightsSource, jsonSource);
  const { tensors } = decodeSafetensors(files.weights, weightsSource);
  refuseNonFinite(tensors, weightsSource);

  const net = assembleNetwork(specs, { initialize: false });
  if (classification) net.classes = meta.classes.slice();
  net.loadStateDict(tensors, { strict: true });
  net.eval();
  return { net, meta };
}

/** Parses and checks model.json's fields, each refusal naming the file. */
function readModelJson(bytes: Uint8Array | string, source: string): ModelJson {
  const fail = (what: string): never => {
    throw new FormatError(source, what);
  };
  const size = typeof bytes === 'string' ? bytes.length : bytes.length;
  if (size > MAX_MODEL_JSON_BYTES)
    fail(`${size} bytes is more than the ${MAX_MODEL_JSON_BYTES} a model description may have`);
  let value: unknown;
  try {
    value = JSON.parse(typeof bytes === 'string' ? bytes : decodeUtf8(bytes, source, 'text'));
  } catch (e) {
    return fail(`not valid JSON (${printable((e as Error).message, 120)})`);
  }
  const m = value as Partial<ModelJson> | null;
  if (!m || typeof m !== 'object' || m.format !== FORMAT || m.version !== VERSION)
    fail(`not a Nabla model description (expected format "${FORMAT}", version ${VERSION})`);
  const meta = m as ModelJson;
  if (typeof meta.model !== 'string' || meta.model.length > 64 || hasControl(meta.model))
    fail(
      `"model" must be a printable name of at most 64 characters, got ${printable(JSON.stringify(meta.model) ?? 'nothing', 80)}`,
    );
  const arch = meta.architecture as { type?: unknown; layers?: unknown } | undefined;
  if (arch?.type !== 'layers' || !Array.isArray(arch.layers))
    fail('the architecture must be a layer array ({ "type": "layers", "layers": [...] })');
  const layers = arch!.layers as unknown[];
  if (layers.length > MAX_MODEL_LAYERS)
    fail(`${layers.length} layers is more than the limit of ${MAX_MODEL_LAYERS}`);
  layers.forEach((l, i) => {
    const c = l as Partial<LayerConfig> | null;
    if (!c || typeof c !== 'object' || typeof c.factory !== 'string' || !Array.isArray(c.args))
      fail(`layer ${i} must be { "factory": name, "args": [...] }`);
  });
  if (!['none', 'zerocenter', 'zscore'].includes(meta.normalization))
    fail(
      `"normalization" must be none, zerocenter or zscore, got ${printable(JSON.stringify(meta.normalization) ?? 'nothing', 40)}`,
    );
  if (!Array.isArray(meta.inputShape) || !meta.inputShape.every((d) => Number.isSafeInteger(d) && d > 0))
    fail('"inputShape" must be a list of positive integers');
  if (!Array.isArray(meta.classes)) fail('"classes" must be a list of names');
  if (meta.classes.length > 1_000_000)
    fail(`${meta.classes.length} classes is more than the limit of 1000000`);
  meta.classes.forEach((c, i) => {
    if (typeof c !== 'string') fail(`class ${i} is not a string`);
    if (c.length > MAX_CLASS_NAME_LENGTH)
      fail(`class ${i} is ${c.length} characters long, more than ${MAX_CLASS_NAME_LENGTH}`);
    if (hasControl(c)) fail(`class ${i} ${printable(c, 60)} holds a control character`);
  });
  return meta;
}

/** The header's tensors against the planned ones: the same names, shapes and total bytes. */
function checkAgainstPlan(
  entries: readonly HeaderEntry[],
  planned: ReadonlyMap<string, number[]>,
  weightsSource: string,
  jsonSource: string,
): void {
  const given = new Map(entries.map((e) => [e.name, e]));
  const missing = [...planned.keys()].filter((k) => !given.has(k));
  const unexpected = [...given.keys()].filter((k) => !planned.has(k));
  const misshaped: string[] = [];
  for (const [name, shape] of planned) {
    const e = given.get(name);
    if (e && !sameShape(e.shape, shape))
      misshaped.push(`${name} is ${formatShape(e.shape)}, ${jsonSource} needs ${formatShape(shape)}`);
  }
  const problems = [
    ...(missing.length ? [`missing ${nameList(missing)}`] : []),
    ...(unexpected.length ? [`unexpected ${nameList(unexpected)}`] : []),
    ...(misshaped.length ? [nameList(misshaped, '; ')] : []),
  ];
  if (problems.length)
    throw new FormatError(
      weightsSource,
      `does not match the layers of ${jsonSource}: ${problems.join('; ')}`,
    );
  // Shapes equal ⇒ byte counts equal (each entry's bytes were checked against its shape and dtype);
  // the total is compared too, so the check reads as the format promises.
  let plannedBytes = 0;
  let headerBytes = 0;
  for (const e of entries) {
    plannedBytes += elementCount(planned.get(e.name)!) * SAFETENSORS_DTYPES[e.dtype].size;
    headerBytes += e.end - e.begin;
  }
  if (plannedBytes !== headerBytes)
    throw new FormatError(weightsSource, `holds ${headerBytes} data bytes, the layers need ${plannedBytes}`);
}

/** Refuses the first tensor holding NaN or ±Infinity, naming it and the element. */
export function refuseNonFinite(
  tensors: ReadonlyMap<string, { data: ArrayLike<number>; dtype: string }>,
  source: string,
): void {
  for (const [name, t] of tensors) {
    if (t.dtype === 'int32') continue;
    const data = t.data;
    for (let i = 0; i < data.length; i++) {
      const v = data[i]!;
      if (!Number.isFinite(v))
        throw new FormatError(
          source,
          `tensor ${printable(name, 80)} element ${i} is ${v}: weights must be finite`,
        );
    }
  }
}

/** At most ten names, then "… and N more". */
export function nameList(names: readonly string[], separator = ', '): string {
  const shown = names.slice(0, SHOWN_NAMES).map((n) => printable(n, 80));
  return names.length > SHOWN_NAMES
    ? `${shown.join(separator)}${separator}… and ${names.length - SHOWN_NAMES} more`
    : shown.join(separator);
}

// C0 controls, DEL and C1 controls: what a terminal may act on.
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters to escape
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

function hasControl(text: string): boolean {
  CONTROL.lastIndex = 0;
  return CONTROL.test(text);
}

/** Text from a file made safe to print: control characters as \u001b, cut to `max` characters. */
export function printable(text: string, max = 200): string {
  const escaped = text.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return escaped.length > max ? `${escaped.slice(0, max)}…` : escaped;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
