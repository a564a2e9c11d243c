import { join } from 'node:path';
import { loadCheckpoint, saveCheckpoint } from '@nabla/io/node';
import type { IterationRecord, Network, TrainingSnapshot } from '@nabla/models';
import type { NDArray } from '@nabla/tensor';
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

/**
 * Reads `dir/checkpoint.safetensors`. The container verifies its structure and a checksum of
 * every byte; this adds the shape of the JSON state, so nothing half-valid is ever resumed.
 */
export async function readCheckpoint(dir: string): Promise<LoadedCheckpoint> {
  const path = join(dir, CHECKPOINT_FILE);
  const { weights, optimizer, state } = await loadCheckpoint<CheckpointState>(path);
  const bad = (what: string): never => {
    throw new UserError(`${path}: not a nabla training checkpoint (${what})`);
  };
  if (!state || typeof state !== 'object') bad('no state');
  const c = state.config;
  if (!c || (c.model !== 'lenet' && c.model !== 'mlp')) bad('no run settings');
  for (const k of [
    'epochs',
    'batchSize',
    'learnRate',
    'seed',
    'trainSize',
    'valSize',
    'validationFrequency',
  ] as const) {
    if (typeof c[k] !== 'number') bad(`setting ${k} missing`);
  }
  if (!Number.isInteger(state.epoch) || !Number.isInteger(state.iteration)) bad('epoch or iteration missing');
  // Four state words of the seeded generator, and a fifth (its cached normal) when it holds one.
  const g = state.generatorState;
  if (!Array.isArray(g) || (g.length !== 4 && g.length !== 5) || g.some((v) => typeof v !== 'number'))
    bad('generator state missing');
  if (!Array.isArray(state.history)) bad('history missing');
  const history = state.history.map(
    (r) => ({ ...r, miniBatchAccuracy: r.miniBatchAccuracy ?? Number.NaN }) as IterationRecord,
  );
  return {
    config: c,
    weights,
    snapshot: {
      epoch: state.epoch,
      iteration: state.iteration,
      generatorState: state.generatorState as number[],
      optimizerState: {
        step: state.optimizer?.step ?? 0,
        learningRate: state.optimizer?.learningRate ?? c.learnRate,
        buffers: optimizer,
      },
      history,
      elapsedSeconds: typeof state.elapsedSeconds === 'number' ? state.elapsedSeconds : 0,
      ...(state.fixedOrder ? { fixedOrder: state.fixedOrder } : {}),
    },
  };
}
