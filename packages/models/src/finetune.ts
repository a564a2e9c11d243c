import { Linear, type Parameter } from '@nabla/layers';
import { type Random, ValueError } from '@nabla/tensor';
import { type Architecture, type LayerRow, Network } from './network.js';
import { normalizeRows, type TrainingInfo, type TrainNetworkExtras, trainNetwork } from './train-network.js';
import type { LabeledData, TrainingOptions } from './training-options.js';

/**
 * Transfer learning, as the course does it with AlexNet (and Matlab's "Train Deep Learning
 * Network to Classify New Images"): keep the layers that have learned general features, replace
 * the last fully connected layer by a fresh one with the new number of classes, and train on the
 * few new examples — with the old layers frozen or learning more slowly than the new head.
 */

export interface ReplaceHeadOptions {
  /** Names of the new classes; default '0' … 'numClasses − 1'. */
  classes?: string[];
  /** The layer to replace (table name or module path); default the last fully connected layer. */
  layer?: string;
  /** The generator of the new layer's initial weights. */
  generator?: Random;
  /** Matlab's WeightLearnRateFactor / BiasLearnRateFactor of the new layer (its example uses 10 and 10). */
  weightLearnRateFactor?: number;
  /** Matlab's BiasLearnRateFactor of the new layer. */
  biasLearnRateFactor?: number;
}

/**
 * Replaces the network's final fully connected layer by a new Linear(in, numClasses) with fresh
 * (seeded Glorot) weights — Matlab's replaceLayer(lgraph, 'fc8', fullyConnectedLayer(n)) — and
 * returns the network with its classes, layer table and architecture updated to match. The body
 * is changed in place and shared with the returned Network, which also keeps the pretrained input
 * normalization (`input.mean`); use the returned one from then on.
 */
export function replaceHead(net: Network, numClasses: number, options: ReplaceHeadOptions = {}): Network {
  const op = 'replaceHead';
  if (!Number.isInteger(numClasses) || numClasses < 1)
    throw new ValueError(op, `numClasses must be a positive integer, got ${numClasses}`);
  const classes = options.classes ?? Array.from({ length: numClasses }, (_, i) => String(i));
  if (classes.length !== numClasses)
    throw new ValueError(op, `${numClasses} classes but ${classes.length} class names`);
  if (net.outputKind !== 'classification')
    throw new ValueError(op, `needs a classification network, this one's output is '${net.outputKind}'`);

  const path = headPath(net, options.layer);
  const old = net.body.getSubmodule(path);
  if (!(old instanceof Linear))
    throw new ValueError(op, `'${options.layer ?? path}' is ${old.typeName}, not a fully connected layer`);
  const oldRows = net.layerRows; // the table of the network as it is (computed before the body changes)
  const head = new Linear(old.inFeatures, numClasses, { generator: options.generator });
  head.setL2Factor(0, 'bias'); // Matlab's fullyConnectedLayer: BiasL2Factor 0
  if (options.weightLearnRateFactor !== undefined)
    head.setLearnRateFactor(options.weightLearnRateFactor, 'weight');
  if (options.biasLearnRateFactor !== undefined) head.setLearnRateFactor(options.biasLearnRateFactor, 'bias');
  net.body.replaceLayer(path, head);

  // The layer table: the replaced row, and every row after it (softmax, output) now has n outputs.
  const at = oldRows.findIndex((r) => r.modules.includes(path));
  const rows: LayerRow[] = oldRows.map((r, i) => {
    if (at < 0 || i < at) return { ...r };
    const learnables = i === at ? head.numParameters() : r.learnables;
    const description =
      i === at
        ? `${numClasses} fully connected layer`
        : r.description.replace(/over \d+ classes/, `over ${numClasses} classes`);
    return { ...r, outputShape: [numClasses], learnables, description };
  });
  const result = new Network(net.body, {
    inputShape: net.inputShape,
    normalization: net.normalization,
    outputKind: net.outputKind,
    classes,
    layerRows: rows,
    ...(net.architecture ? { architecture: withClasses(net.architecture, at, numClasses, classes) } : {}),
  });
  result.mean = net.mean;
  result.std = net.std;
  return result;
}

/** The path of the layer to replace: the given one, or the body's last Linear. */
function headPath(net: Network, layer: string | undefined): string {
  if (layer !== undefined) {
    const row = net.layerRows.find((r) => r.name === layer);
    if (row) {
      const last = row.modules[row.modules.length - 1];
      if (!last) throw new ValueError('replaceHead', `layer '${layer}' has no learnable module to replace`);
      return last;
    }
    return layer;
  }
  let path: string | undefined;
  for (const [name, m] of net.body.namedModules()) if (m instanceof Linear) path = name;
  if (path === undefined) throw new ValueError('replaceHead', 'the network has no fully connected layer');
  return path;
}

/** model.json's description of the network with the new head, so the saved model rebuilds. */
function withClasses(arch: Architecture, row: number, numClasses: number, classes: string[]): Architecture {
  if (arch.type === 'model') return { ...arch, options: { ...arch.options, numClasses } };
  const layers = arch.layers.map((c, i) => {
    if (i === row && c.factory === 'fullyConnectedLayer')
      return { ...c, args: [numClasses, ...c.args.slice(1)] };
    if (c.factory === 'classificationLayer') {
      const opts = (c.args[0] ?? {}) as Record<string, unknown>;
      return opts.classes ? { ...c, args: [{ ...opts, classes }] } : c;
    }
    return c;
  });
  return { type: 'layers', layers };
}

/** A learn-rate factor for both weights and biases, or for each (Matlab's two properties). */
export type LearnRateFactor =
  | number
  | {
      /** The factor of the weights. */
      weight?: number;
      /** The factor of the biases. */
      bias?: number;
    };

/**
 * Sets Matlab's WeightLearnRateFactor / BiasLearnRateFactor by layer: keys are layer-table names
 * ('conv1', 'fc8', 'convolution2d_1') or module paths with `*` wildcards ('features.*',
 * 'classifier.6', '0'); later keys win. The optimizer then steps θ ← θ − (α · factor) · ∇θ, so 0
 * freezes a layer and 0.1 lets it drift slowly while a new head learns at full rate. A key that
 * matches no parameter is refused (a typo would otherwise silently train everything). Returns the
 * number of parameters changed.
 */
export function setLearnRateFactors(
  net: Network,
  factors: Readonly<Record<string, LearnRateFactor>>,
): number {
  let changed = 0;
  for (const [pattern, factor] of Object.entries(factors)) {
    const hits = matchParameters(net, pattern, 'setLearnRateFactors');
    for (const [name, p] of hits) {
      const f = typeof factor === 'number' ? factor : name.endsWith('bias') ? factor.bias : factor.weight;
      if (f === undefined) continue;
      if (!(f >= 0) || !Number.isFinite(f))
        throw new ValueError(
          'setLearnRateFactors',
          `'${pattern}': factor must be a finite number >= 0, got ${f}`,
        );
      p.learnRateFactor = f;
      changed++;
    }
  }
  return changed;
}

/**
 * Freezes the matching layers (same keys as setLearnRateFactors): their parameters stop requiring
 * a gradient, so backpropagation skips their weight gradients and the optimizer leaves them
 * alone. `freezeLayers(net, ['*'], { except: ['14'] })` trains only the head. BatchNorm layers
 * still update their running statistics in training mode, as in Matlab and PyTorch. Returns the
 * number of parameters frozen.
 */
export function freezeLayers(
  net: Network,
  patterns: readonly string[],
  options: { except?: readonly string[] } = {},
): number {
  const keep = new Set<Parameter>();
  for (const pattern of options.except ?? [])
    for (const [, p] of matchParameters(net, pattern, 'freezeLayers')) keep.add(p);
  let frozen = 0;
  for (const pattern of patterns) {
    for (const [, p] of matchParameters(net, pattern, 'freezeLayers')) {
      if (keep.has(p) || !p.requiresGrad) continue;
      p.requiresGrad = false;
      frozen++;
    }
  }
  return frozen;
}

/** Makes every parameter learn again at the full rate (undoes freezeLayers and setLearnRateFactors). */
export function unfreezeAll(net: Network): void {
  for (const p of net.body.parameters()) {
    p.requiresGrad = true;
    p.learnRateFactor = 1;
  }
}

function matchParameters(net: Network, pattern: string, op: string): [string, Parameter][] {
  const re = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );
  const rowOf = new Map<string, string>();
  for (const r of net.layerRows) for (const m of r.modules) rowOf.set(m, r.name);
  const hits = net.body.namedParameters().filter(([name]) => {
    const module = name.slice(0, name.lastIndexOf('.'));
    const row = rowOf.get(module);
    return re.test(module) || re.test(name) || (row !== undefined && re.test(row));
  });
  if (hits.length === 0) {
    const layers = net.layerRows
      .filter((r) => r.learnables > 0)
      .map((r) => `${r.name} (${r.modules.join(', ')})`);
    throw new ValueError(op, `'${pattern}' matches no learnable layer; the network has ${layers.join(', ')}`);
  }
  return hits;
}

/** Options of {@link finetune}. */
export interface FinetuneOptions {
  /**
   * Matlab's ResetInputNormalization: false (the default here) keeps the pretrained network's
   * mean image, so the features the old layers learned see inputs centred as in pretraining; true
   * recomputes it from the new data, as trainNetwork does.
   */
  resetInputNormalization?: boolean;
}

/**
 * trainNetwork on a pretrained network (typically after replaceHead and setLearnRateFactors or
 * freezeLayers), keeping its input normalization unless asked otherwise. The body is trained in
 * place; the returned network is `net`, in evaluation mode.
 */
export async function finetune(
  net: Network,
  data: LabeledData,
  options: TrainingOptions,
  extras: TrainNetworkExtras & FinetuneOptions = {},
): Promise<{
  /** The finetuned network. */
  net: Network;
  /** What the training run did. */
  info: TrainingInfo;
}> {
  const { resetInputNormalization, ...rest } = extras;
  if (resetInputNormalization || net.normalization === 'none') {
    const { info } = await trainNetwork(data, net, options, rest);
    return { net, info };
  }
  // trainNetwork fits the input statistics of the network it trains; train instead a view of the
  // same body without normalization, on data normalized with the pretrained statistics.
  const view = new Network(net.body, {
    inputShape: net.inputShape,
    normalization: 'none',
    outputKind: net.outputKind,
    classes: net.classes,
  });
  const normalized = (d: LabeledData): LabeledData => {
    net.checkInput(d.x, 'finetune');
    return { x: net.normalizeInput(d.x), y: d.y };
  };
  // With augmentation the view trains on raw batches: augmented first, then normalized with the
  // pretrained statistics (the order of Matlab's augmentedImageDatastore and input layer).
  const augment = rest.augment;
  const per = net.inputShape.reduce((a, b) => a * b, 1);
  const { info } = await trainNetwork(
    augment ? data : normalized(data),
    view,
    { ...options, validationData: options.validationData ? normalized(options.validationData) : null },
    {
      ...rest,
      // Checkpoints see the real network (with its input.mean), not the view.
      ...(rest.onEpochEnd ? { onEpochEnd: (s) => rest.onEpochEnd!(s, net) } : {}),
      ...(augment
        ? {
            augment: (batch: Float32Array, rows: Int32Array) => {
              augment(batch, rows);
              normalizeRows(net, batch, per);
            },
          }
        : {}),
    },
  );
  net.eval();
  return { net, info };
}
