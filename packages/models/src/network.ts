import { fromOp, noGrad, Tensor } from '@nabla/autograd';
import { type Module, Sequential } from '@nabla/layers';
import * as nd from '@nabla/tensor';
import { formatShape, type NDArray, type Random, ShapeError, ValueError } from '@nabla/tensor';
import type { ExampleShape, InputNormalization, LayerConfig, LayerSpec } from './layer-specs.js';

/** One row of a network's layer table: the Matlab layer, the modules it became, its output size. */
export interface LayerRow {
  /** The layer's name. */
  name: string;
  /** The layer's kind. */
  kind: string;
  /** A one-line description. */
  description: string;
  /** The shape of one example after this layer. */
  outputShape: ExampleShape;
  /** Names of the body's children that implement this layer (empty for input/softmax/output). */
  modules: string[];
  /** Learnable values in the layer. */
  learnables: number;
}

/** What the network's output means: class scores, regression values, or neither (a feature extractor). */
export type OutputKind = 'classification' | 'regression' | 'none';

/** Options of the {@link Network} constructor. */
export interface NetworkOptions {
  /** The shape of one input example. */
  inputShape: ExampleShape;
  /** The input normalization (default 'none'). */
  normalization?: InputNormalization;
  /** What the output means (default 'classification'). */
  outputKind?: OutputKind;
  /** The class names. */
  classes?: string[];
  /** The layer table, or how to compute it on first use (a dry forward pass costs a full forward). */
  layerRows?: LayerRow[] | (() => LayerRow[]);
  /** How this network was made, for model.json: a layer array's configs or a named model. */
  architecture?: Architecture;
}

/** How a network was made: a Matlab-style layer array, or a named model with its options. */
export type Architecture =
  | {
      /** Made from a layer array. */
      type: 'layers';
      /** The layer array, as JSON. */
      layers: LayerConfig[];
    }
  | {
      /** Made by a named model function. */
      type: 'model';
      /** The model's name ('lenet', 'alexnet', 'mlp'). */
      name: string;
      /** The options it was called with. */
      options: Record<string, unknown>;
    };

/** The most values one layer outputs for a whole predict batch (2^24: 64 MB of float32). */
const PREDICT_BATCH_VALUES = 2 ** 24;

/**
 * A trainable network: input normalization (Matlab's imageInputLayer 'zerocenter': the training
 * mean image is subtracted), a body module that maps normalized inputs to scores, and what the
 * scores mean (classes). The body's state dict uses PyTorch's names, so it travels to PyTorch.
 */
export class Network {
  /** The module mapping normalized inputs to scores. */
  readonly body: Module;
  /** The shape of one input example. */
  readonly inputShape: ExampleShape;
  /** The input normalization. */
  readonly normalization: InputNormalization;
  /** What the output means. */
  readonly outputKind: OutputKind;
  /** The class names, in score order. */
  classes: string[];
  private rows: LayerRow[] | (() => LayerRow[]);
  /** How the network was made, for model.json. */
  readonly architecture: Architecture | undefined;
  /** The training mean ('zerocenter', 'zscore') and standard deviation ('zscore') of one example. */
  mean: NDArray | null = null;
  /** The training standard deviation of one example ('zscore' only). */
  std: NDArray | null = null;

  constructor(body: Module, options: NetworkOptions) {
    this.body = body;
    this.inputShape = options.inputShape.slice();
    this.normalization = options.normalization ?? 'none';
    this.outputKind = options.outputKind ?? 'classification';
    this.classes = options.classes ?? [];
    this.rows = options.layerRows ?? [];
    this.architecture = options.architecture;
  }

  /** The Matlab-style layer table: each layer's name, description, output size (from a dry forward pass) and learnables. */
  get layerRows(): LayerRow[] {
    if (typeof this.rows === 'function') this.rows = this.rows();
    return this.rows;
  }

  /** Checks that a batch [N, ...inputShape] fits the network; the message names the input layer. */
  checkInput(x: NDArray | Tensor, op = 'network input'): void {
    const shape = x.shape;
    const ok =
      shape.length === this.inputShape.length + 1 && this.inputShape.every((d, i) => shape[i + 1] === d);
    if (!ok) {
      throw new ShapeError(
        op,
        `expected a batch of shape [N,${this.inputShape.join(',')}], got ${formatShape(shape)}`,
      );
    }
  }

  /** Computes the normalization statistics from training examples (all, or those at `indices`). */
  fitNormalization(examples: NDArray, indices?: Int32Array): void {
    this.checkInput(examples, 'fitNormalization');
    if (this.normalization === 'none') return;
    const per = this.inputShape.reduce((a, b) => a * b, 1);
    const src = examples.contiguous().data;
    const rows = indices ?? Int32Array.from({ length: examples.shape[0]! }, (_, i) => i);
    if (rows.length === 0) throw new ValueError('fitNormalization', 'needs at least one training example');
    const sum = new Float64Array(per);
    for (const r of rows) for (let j = 0; j < per; j++) sum[j]! += src[r * per + j]!;
    const mean = new Float32Array(per);
    for (let j = 0; j < per; j++) mean[j] = sum[j]! / rows.length;
    this.mean = nd.fromTypedArray(mean, this.inputShape);
    if (this.normalization === 'zscore') {
      const sq = new Float64Array(per);
      for (const r of rows) {
        for (let j = 0; j < per; j++) {
          const d = src[r * per + j]! - mean[j]!;
          sq[j]! += d * d;
        }
      }
      const std = new Float32Array(per);
      for (let j = 0; j < per; j++) std[j] = Math.sqrt(sq[j]! / rows.length) || 1;
      this.std = nd.fromTypedArray(std, this.inputShape);
    }
  }

  /** x − mean (and ÷ std for 'zscore'), broadcast over the batch. */
  normalizeInput(x: NDArray): NDArray {
    if (this.normalization === 'none') return x;
    if (!this.mean)
      throw new ValueError(
        'network input',
        `'${this.normalization}' normalization has no statistics yet: train the network or call fitNormalization`,
      );
    const centred = nd.sub(x, this.mean);
    return this.std ? nd.div(centred, this.std) : centred;
  }

  /** Scores (logits for classification) of a batch: normalization, then the body. */
  forward(x: NDArray | Tensor): Tensor {
    const t = x instanceof Tensor ? x : new Tensor(x, false);
    this.checkInput(t.data);
    return this.body.forward(this.normalization === 'none' ? t : normalizeTensor(t, this));
  }

  /**
   * Predictions in eval mode without a graph, in batches: class probabilities (softmax of the
   * scores) for a classification network, raw outputs otherwise.
   */
  predict(x: NDArray, options: { batchSize?: number } = {}): NDArray {
    const scores = this.predictScores(x, options, 'predict');
    return this.outputKind === 'classification' ? nd.softmax(scores, -1) : scores;
  }

  /** The body's raw outputs (scores before the softmax) in eval mode without a graph, in batches. */
  predictScores(x: NDArray, options: { batchSize?: number } = {}, op = 'predictScores'): NDArray {
    this.checkInput(x, op);
    // Batches of 256, fewer when a layer's outputs are large: one batch's largest activation stays
    // within PREDICT_BATCH_VALUES (64 MB of float32), whatever the network.
    const largest = Math.max(1, ...this.layerRows.map((r) => r.outputShape.reduce((a, b) => a * b, 1)));
    const batchSize =
      options.batchSize ?? Math.max(1, Math.min(256, Math.floor(PREDICT_BATCH_VALUES / largest)));
    const wasTraining = this.body.training;
    this.body.eval();
    try {
      return noGrad(() => {
        const n = x.shape[0]!;
        const parts: NDArray[] = [];
        for (let start = 0; start < n; start += batchSize) {
          const batch = x.slice([[start, Math.min(n, start + batchSize)]]).contiguous();
          parts.push(this.forward(batch).data);
        }
        if (parts.length === 0) throw new ValueError(op, 'needs at least one example');
        return parts.length === 1 ? parts[0]! : nd.concat(parts, 0);
      });
    } finally {
      if (wasTraining) this.body.train();
    }
  }

  /** The body's parameters and buffers (PyTorch names) plus the normalization statistics under `input.`. */
  stateDict(): Map<string, NDArray> {
    const state = new Map(this.body.stateDict());
    if (this.mean) state.set('input.mean', this.mean);
    if (this.std) state.set('input.std', this.std);
    return state;
  }

  /** Loads a state dict from {@link Network.stateDict}: the body's tensors and the input statistics. */
  loadStateDict(state: Map<string, NDArray>, options: { strict?: boolean } = {}): void {
    const body = new Map<string, NDArray>();
    for (const [k, v] of state) {
      if (k === 'input.mean') this.mean = checkStat(v, this.inputShape, k);
      else if (k === 'input.std') this.std = checkStat(v, this.inputShape, k);
      else body.set(k, v);
    }
    this.body.loadStateDict(body, options);
  }

  /** Number of learnable values (weights, biases, BN scales and offsets). */
  learnables(): number {
    let n = 0;
    for (const p of this.body.parameters()) n += p.size;
    return n;
  }

  /** Training mode (dropout drops, batch norm uses the batch's statistics). */
  train(): this {
    this.body.train();
    return this;
  }

  /** Evaluation mode (dropout off, batch norm uses the running statistics). */
  eval(): this {
    this.body.eval();
    return this;
  }

  /** The Matlab-style layer table (analyzeNetwork): layer, type, output size, learnables. */
  summary(): string {
    const rows = this.layerRows.length
      ? this.layerRows.map((r, i) => [
          String(i + 1),
          r.name,
          r.description,
          outputText(r.outputShape),
          r.learnables.toLocaleString('en-US'),
        ])
      : [['1', 'body', this.body.constructor.name, '', this.learnables().toLocaleString('en-US')]];
    const header = ['#', 'Name', 'Layer', 'Output size', 'Learnables'];
    const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
    const line = (cells: string[]) =>
      cells.map((cell, c) => (c === 4 ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join('  ');
    const rule = '-'.repeat(line(header).length);
    return [
      line(header),
      rule,
      ...rows.map(line),
      rule,
      `Total learnables: ${this.learnables().toLocaleString('en-US')}`,
    ].join('\n');
  }
}

function outputText(shape: ExampleShape): string {
  // Matlab prints H×W×C; our shapes are [C,H,W].
  return shape.length === 3 ? `${shape[1]}×${shape[2]}×${shape[0]}` : shape.join('×');
}

function checkStat(v: NDArray, shape: ExampleShape, name: string): NDArray {
  if (v.ndim !== shape.length || v.shape.some((d, i) => d !== shape[i])) {
    throw new ShapeError(
      'loadStateDict',
      `'${name}' must have shape ${formatShape(shape)}, got ${formatShape(v.shape)}`,
    );
  }
  return v.astype('float32');
}

/**
 * Normalization as a differentiable op, so feature visualization can push gradients to the raw
 * input: d(x − μ)/dx = 1, and d((x − μ)/σ)/dx = 1/σ for z-score.
 */
function normalizeTensor(x: Tensor, net: Network): Tensor {
  const std = net.std;
  return fromOp('normalize', [x], net.normalizeInput(x.data), (dy) => [std ? nd.div(dy, std) : dy]);
}

/**
 * Assembles a Matlab-style layer array into a Network: each entry is built for the shape coming
 * out of the one before it, and its modules become numbered children of one Sequential body —
 * so the course's LeNet gets PyTorch's names (`0.weight` … `14.bias`).
 */
export function assembleNetwork(
  layers: readonly LayerSpec[],
  options: { generator?: Random; initialize?: boolean } = {},
): Network {
  if (layers.length === 0) throw new ValueError('assembleNetwork', 'needs at least an input layer');
  const first = layers[0]!;
  if (first.kind !== 'imageInput' && first.kind !== 'featureInput') {
    throw new ValueError(
      'assembleNetwork',
      `the first layer must be imageInputLayer or featureInputLayer, got '${first.kind}'`,
    );
  }
  const modules: Module[] = [];
  const rows: LayerRow[] = [];
  let shape: ExampleShape = [];
  let outputKind = 'none' as OutputKind;
  let classes: string[] | undefined;
  const counts = new Map<string, number>();
  layers.forEach((spec, i) => {
    if (i > 0 && (spec.kind === 'imageInput' || spec.kind === 'featureInput')) {
      throw new ValueError('assembleNetwork', `layer ${i + 1}: only the first layer may be an input layer`);
    }
    if (outputKind !== 'none')
      throw new ValueError('assembleNetwork', `layer ${i + 1} ('${spec.kind}') follows the output layer`);
    const built = spec.build(shape, { generator: options.generator, initialize: options.initialize });
    const names: string[] = [];
    let learnables = 0;
    for (const m of built.modules) {
      names.push(String(modules.length));
      modules.push(m);
      for (const p of m.parameters()) learnables += p.size;
    }
    const n = (counts.get(spec.kind) ?? 0) + 1;
    counts.set(spec.kind, n);
    rows.push({
      name: spec.name ?? `${spec.kind}_${n}`,
      kind: spec.kind,
      description: spec.description,
      outputShape: built.output, // the layer's own arithmetic; checked against a dry forward pass below
      modules: names,
      learnables,
    });
    shape = built.output;
    if (spec.kind === 'classification') {
      outputKind = 'classification';
      classes = (spec as { classes?: string[] }).classes;
    } else if (spec.kind === 'regression') outputKind = 'regression';
  });
  const configs = layers.every((l) => l.config) ? layers.map((l) => l.config!) : undefined;
  const body = new Sequential(...modules);
  const inputShape = first.build([], { generator: undefined }).output;
  const net = new Network(body, {
    inputShape,
    normalization: (first as { normalization?: InputNormalization }).normalization ?? 'none',
    outputKind,
    classes:
      classes ??
      (outputKind === 'classification' ? Array.from({ length: shape[0] ?? 0 }, (_, i) => String(i)) : []),
    layerRows: () => withMeasuredShapes(body, inputShape, rows),
    ...(configs ? { architecture: { type: 'layers' as const, layers: configs } } : {}),
  });
  return net;
}

/**
 * The output size of every module of `body`, by dotted path and without the batch axis, measured by
 * one forward pass on a zero example (evaluation mode, no graph) — the shapes the modules really
 * compute, not what a table says they should.
 */
export function measureOutputShapes(body: Module, inputShape: ExampleShape): Map<string, ExampleShape> {
  const { rows } = body.summary([1, ...inputShape]);
  return new Map(rows.map((r) => [r.name, r.outputShape.slice(1)]));
}

/**
 * A layer array's table with each row's output size taken from a dry forward pass (rows without
 * modules — input, softmax, output — keep the size before them). A layer whose own arithmetic
 * disagrees with what its modules compute is a bug in that layer: refused, naming it.
 */
function withMeasuredShapes(body: Module, inputShape: ExampleShape, rows: LayerRow[]): LayerRow[] {
  const measured = measureOutputShapes(body, inputShape);
  let shape = inputShape;
  return rows.map((r) => {
    const last = r.modules.at(-1);
    if (last !== undefined) shape = measured.get(last)!;
    if (formatShape(shape) !== formatShape(r.outputShape)) {
      throw new ShapeError(
        'assembleNetwork',
        `layer '${r.name}' (${r.kind}) computes output ${formatShape(r.outputShape)} but its modules give ${formatShape(shape)}`,
      );
    }
    return { ...r, outputShape: shape.slice() };
  });
}
