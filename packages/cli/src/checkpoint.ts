import { join } from 'node:path';
import { loadCheckpoint, saveCheckpoint } from '@nabla/io/node';
import {
  type IterationRecord,
  type Network,
  nameList,
  planNetwork,
  printable,
  refuseNonFinite,
  type TrainingSnapshot,
} from '@nabla/models';
import { type NDArray, Random } from '@nabla/tensor';
import { modelLayers } from './model-layers.js';
import { UserError } from './user-error.js';

export const CHECKPOINT_FILE = 'checkpoint.safetensors';

/** The settings of a training run, kept in its checkpoint so `--resume DIR` needs nothing else. */
export interface RunConfig {
  model: 'lenet' | 'mlp';
  epochs: number;
  batchSize: number;
  learnRate: number;
  seed: number;
  trainSize: number;
  valSize: number;
  full: boolean;
  validationFrequency: number;
  /** Kernel threads: the convolution gradients' rounding depends on it, so a resume keeps it (absent: 1). */
  threads?: number;
  files: { trainImages?: string; trainLabels?: string; testImages?: string; testLabels?: string };
}

/** What the checkpoint's JSON state holds: the run's settings and trainNetwork's snapshot. */
interface CheckpointState {
  config: RunConfig;
  epoch: number;
  iteration: number;
  /** The seeded generator's state (`Random.getState()`: four words, and a cached normal when there is one). */
  generatorState: number[];
  optimizer: { step: number; learningRate: number };
  history: Record<string, number>[];
  elapsedSeconds: number;
  fixedOrder?: number[];
  /** The order of the epoch in progress, when the run was stopped mid-epoch (Ctrl-C). */
  epochOrder?: number[];
}

/**
 * Writes the checkpoint of an epoch's end: the network's state dict, the optimizer's buffers,
 * and as JSON the generator, the epoch and iteration, the history and the run's settings. The
 * file goes to a temporary name, is flushed to disk, then renamed over the previous one, so a
 * run killed at any instant leaves the last complete checkpoint.
 */
export async function writeCheckpoint(
  dir: string,
  config: RunConfig,
  snapshot: TrainingSnapshot,
  net: Network,
): Promise<void> {
  const state: CheckpointState = {
    config,
    epoch: snapshot.epoch,
    iteration: snapshot.iteration,
    generatorState: snapshot.generatorState,
    optimizer: { step: snapshot.optimizerState.step, learningRate: snapshot.optimizerState.learningRate },
    history: snapshot.history.map(jsonRecord),
    elapsedSeconds: snapshot.elapsedSeconds,
    ...(snapshot.fixedOrder ? { fixedOrder: snapshot.fixedOrder } : {}),
    ...(snapshot.epochOrder ? { epochOrder: snapshot.epochOrder } : {}),
  };
  await saveCheckpoint(join(dir, CHECKPOINT_FILE), {
    weights: net.stateDict(),
    optimizer: snapshot.optimizerState.buffers,
    state,
  });
}

/** A history record without undefined or NaN entries (JSON holds neither). */
function jsonRecord(r: IterationRecord): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(r)) if (typeof v === 'number' && Number.isFinite(v)) out[k] = v;
  return out;
}

export interface LoadedCheckpoint {
  config: RunConfig;
  weights: Map<string, NDArray>;
  snapshot: TrainingSnapshot;
}

/** The most kernel threads a run or a checkpoint may ask for (the machine's parallelism caps the flag). */
export const MAX_THREADS = 16;
/** The most epochs a run may ask for (Matlab's default is 30). */
export const MAX_EPOCHS = 100_000;
/** The most digits a run may train or validate on (MNIST holds 60,000). */
export const MAX_DIGITS = 10_000_000;

/**
 * Reads `dir/checkpoint.safetensors`. The container verifies its structure and a checksum of
 * every byte; this then checks the content field by field, so nothing half-valid is ever resumed:
 * each setting's type and range, the epoch and iteration, a generator state the generator accepts,
 * the optimizer's step and exactly one momentum buffer per parameter, the history, and weights
 * that are the model's tensors exactly (names and shapes, from its plan: nothing is built) and
 * finite. Each refusal names the file and the field.
 */
export async function readCheckpoint(dir: string): Promise<LoadedCheckpoint> {
  const path = join(dir, CHECKPOINT_FILE);
  const { weights, optimizer, state } = await loadCheckpoint<CheckpointState>(path);
  const bad = (what: string): never => {
    throw new UserError(`${path}: not a valid nabla training checkpoint: ${what}`);
  };
  const isObject = (v: unknown): v is Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v);
  const int = (v: unknown, what: string, min: number, max: number): number => {
    if (!Number.isSafeInteger(v) || (v as number) < min || (v as number) > max)
      bad(
        `${what} must be an integer from ${min} to ${max}, got ${printable(JSON.stringify(v) ?? 'nothing', 40)}`,
      );
    return v as number;
  };
  if (!isObject(state)) return bad('its state is not an object');
  const c = state.config as unknown as Record<string, unknown>;
  if (!isObject(c)) return bad('no run settings');
  if (c.model !== 'lenet' && c.model !== 'mlp') bad('config.model must be lenet or mlp');
  int(c.epochs, 'config.epochs', 1, MAX_EPOCHS);
  int(c.trainSize, 'config.trainSize', 1, MAX_DIGITS);
  int(c.valSize, 'config.valSize', 0, MAX_DIGITS);
  int(c.batchSize, 'config.batchSize', 1, MAX_DIGITS);
  int(c.seed, 'config.seed', 0, 0xffffffff);
  int(c.validationFrequency, 'config.validationFrequency', 1, Number.MAX_SAFE_INTEGER);
  if (c.threads !== undefined) int(c.threads, 'config.threads', 1, MAX_THREADS);
  if (typeof c.learnRate !== 'number' || !(c.learnRate > 0) || !Number.isFinite(c.learnRate))
    bad('config.learnRate must be a finite number > 0');
  if (typeof c.full !== 'boolean') bad('config.full must be true or false');
  if (!isObject(c.files)) return bad('config.files must be an object');
  for (const [k, v] of Object.entries(c.files)) {
    if (!['trainImages', 'trainLabels', 'testImages', 'testLabels'].includes(k))
      bad(`config.files has an unknown entry ${printable(k, 40)}`);
    if (typeof v !== 'string' || v.length > 4096 || v.includes('\0')) bad(`config.files.${k} must be a path`);
  }
  const config = c as unknown as RunConfig;
  const epoch = int(state.epoch, 'epoch', 0, config.epochs);
  const iteration = int(state.iteration, 'iteration', 0, Number.MAX_SAFE_INTEGER);
  const g = state.generatorState;
  try {
    if (!Array.isArray(g)) throw new Error();
    new Random(0).setState(g);
  } catch {
    bad(
      `generatorState ${printable(JSON.stringify(g) ?? 'nothing', 60)} is not a state the generator accepts`,
    );
  }
  const o = state.optimizer as unknown as Record<string, unknown>;
  if (!isObject(o)) return bad('no optimizer state');
  // One sgdm step per iteration: the optimizer's counter is the iteration count.
  if (o.step !== iteration)
    bad(`optimizer.step ${printable(String(o.step), 20)} differs from iteration ${iteration}`);
  if (typeof o.learningRate !== 'number' || !(o.learningRate >= 0) || !Number.isFinite(o.learningRate))
    bad('optimizer.learningRate must be a finite number >= 0');
  if (
    typeof state.elapsedSeconds !== 'number' ||
    !(state.elapsedSeconds >= 0) ||
    !Number.isFinite(state.elapsedSeconds)
  )
    bad('elapsedSeconds must be a finite number >= 0');
  if (!Array.isArray(state.history)) return bad('history missing');
  if (state.history.length > iteration)
    bad(`history has ${state.history.length} records for ${iteration} iterations`);
  state.history.forEach((r, i) => {
    if (!isObject(r)) bad(`history[${i}] is not a record`);
    for (const k of ['epoch', 'iteration', 'timeElapsed', 'miniBatchLoss', 'learningRate'] as const)
      if (typeof r[k] !== 'number') bad(`history[${i}].${k} must be a number`);
    for (const [k, v] of Object.entries(r))
      if (typeof v !== 'number' || !Number.isFinite(v))
        bad(`history[${i}].${printable(k, 40)} must be a finite number`);
  });
  for (const key of ['fixedOrder', 'epochOrder'] as const) {
    const f = state[key];
    if (f === undefined) continue;
    if (
      !Array.isArray(f) ||
      f.length > MAX_DIGITS ||
      !f.every((v) => Number.isSafeInteger(v) && v >= 0 && v < MAX_DIGITS)
    )
      bad(`${key} must be a list of example indices`);
  }

  // Weights and buffers against the model's plan, before anything is built.
  const plan = planNetwork(modelLayers(config.model));
  const problems = compareTensors(weights, plan.tensors);
  if (problems) bad(`its weights do not fit a ${config.model}: ${problems}`);
  refuseNonFinite(weights, path);
  const parameters = [...plan.tensors].filter(
    ([name]) => !name.startsWith('input.') && /\.(weight|bias)$/.test(name),
  );
  if (iteration > 0) {
    const expected = new Map(
      parameters.map(([, shape], i) => [`${i}.momentum_buffer`, shape] as [string, number[]]),
    );
    const bufferProblems = compareTensors(optimizer, expected);
    if (bufferProblems) bad(`the optimizer needs one momentum buffer per parameter: ${bufferProblems}`);
  } else if (optimizer.size > 0) bad('optimizer buffers before the first iteration');
  refuseNonFinite(optimizer, path);

  const history = state.history.map(
    (r) => ({ ...r, miniBatchAccuracy: r.miniBatchAccuracy ?? Number.NaN }) as IterationRecord,
  );
  return {
    config,
    weights,
    snapshot: {
      epoch,
      iteration,
      generatorState: g as number[],
      optimizerState: { step: iteration, learningRate: o.learningRate as number, buffers: optimizer },
      history,
      elapsedSeconds: state.elapsedSeconds,
      ...(state.fixedOrder ? { fixedOrder: state.fixedOrder } : {}),
      ...(state.epochOrder ? { epochOrder: state.epochOrder } : {}),
    },
  };
}

/** Missing, unexpected and mis-shaped names (ten of each at most), or null when they fit. */
function compareTensors(
  given: ReadonlyMap<string, NDArray>,
  expected: ReadonlyMap<string, number[]>,
): string | null {
  const missing = [...expected.keys()].filter((k) => !given.has(k));
  const unexpected = [...given.keys()].filter((k) => !expected.has(k));
  const misshaped = [...expected]
    .filter(([k, shape]) => {
      const t = given.get(k);
      return t !== undefined && (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i]));
    })
    .map(([k, shape]) => `${k} is [${given.get(k)!.shape.join(',')}], needs [${shape.join(',')}]`);
  const parts = [
    ...(missing.length ? [`missing ${nameList(missing)}`] : []),
    ...(unexpected.length ? [`unexpected ${nameList(unexpected)}`] : []),
    ...(misshaped.length ? [nameList(misshaped, '; ')] : []),
  ];
  return parts.length ? parts.join('; ') : null;
}
