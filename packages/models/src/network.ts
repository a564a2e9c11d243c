import { fromOp, noGrad, Tensor } from '@nabla/autograd';
import { type Module, Sequential } from '@nabla/layers';
import * as nd from '@nabla/tensor';
import { formatShape, type NDArray, type Random, ShapeError, ValueError } from '@nabla/tensor';
import type { ExampleShape, InputNormalization, LayerConfig, LayerSpec } from './layer-specs.js';

/** One row of a network's layer table: the Matlab layer, the modules it became, its output size. */
export interface LayerRow {
  name: string;
  kind: string;
  description: string;
  outputShape: ExampleShape;
  /** Names of the body's children that implement this layer (empty for input/softmax/output). */
  modules: string[];
  learnables: number;
}

export type OutputKind = 'classification' | 'regression' | 'none';

export interface NetworkOptions {
  inputShape: ExampleShape;
  normalization?: InputNormalization;
  outputKind?: OutputKind;
  classes?: string[];
  layerRows?: LayerRow[];
  /** How this network was made, for model.json: a layer array's configs or a named model. */
  architecture?: Architecture;
}

export type Architecture =
  | { type: 'layers'; layers: LayerConfig[] }
  | { type: 'model'; name: string; options: Record<string, unknown> };

/** The most values one layer outputs for a whole predict batch (2^24: 64 MB of float32). */
const PREDICT_BATCH_VALUES = 2 ** 24;

/**
 * A trainable network: input normalization (Matlab's imageInputLayer 'zerocenter': the training
 * mean image is subtracted), a body module that maps normalized inputs to scores, and what the
 * scores mean (classes). The body's state dict uses PyTorch's names, so it travels to PyTorch.
 */
export class Network {
  readonly body: Module;
  readonly inputShape: ExampleShape;
  readonly normalization: InputNormalization;
  readonly outputKind: OutputKind;
  classes: string[];
  readonly layerRows: LayerRow[];
  readonly architecture: Architecture | undefined;
  /** The training mean ('zerocenter', 'zscore') and standard deviation ('zscore') of one example. */
  mean: NDArray | null = null;
  std: NDArray | null = null;

  constructor(body: Module, options: NetworkOptions) {
    this.body = body;
    this.inputShape = options.inputShape.slice();
    this.normalization = options.normalization ?? 'none';
    this.outputKind = options.outputKind ?? 'classification';
    this.classes = options.classes ?? [];
    this.layerRows = options.layerRows ?? [];
    this.architecture = options.architecture;
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
    this.checkInput(x, 'predict');
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
          const scores = this.forward(batch).data;
          parts.push(this.outputKind === 'classification' ? nd.softmax(scores, -1) : scores);
        }
        if (parts.length === 0) throw new ValueError('predict', 'needs at least one example');
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

  train(): this {
    this.body.train();
    return this;
  }

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
      outputShape: built.output,
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
  const net = new Network(new Sequential(...modules), {
    inputShape: first.build([], { generator: undefined }).output,
    normalization: (first as { normalization?: InputNormalization }).normalization ?? 'none',
    outputKind,
    classes:
      classes ??
      (outputKind === 'classification' ? Array.from({ length: shape[0] ?? 0 }, (_, i) => String(i)) : []),
    layerRows: rows,
    ...(configs ? { architecture: { type: 'layers' as const, layers: configs } } : {}),
  });
  return net;
}
