import {
  assembleNetwork,
  averagePooling2dLayer,
  batchNormalizationLayer,
  classificationLayer,
  convolution2dLayer,
  crossChannelNormalizationLayer,
  dropoutLayer,
  featureInputLayer,
  fullyConnectedLayer,
  imageInputLayer,
  type InputNormalization,
  type LayerSpec,
  leakyReluLayer,
  maxPooling2dLayer,
  type Network,
  regressionLayer,
  reluLayer,
  sigmoidLayer,
  softmaxLayer,
  tanhLayer,
} from '@nabla/models';
import { FormatError, type NDArray, NDArray as NDArrayClass, ValueError } from '@nabla/tensor';
import { META_CLASSES, META_OUTPUT_KIND } from './export.js';
import {
  type AttributeProto,
  decodeModel,
  IMPORT_OPSET_MAX,
  IMPORT_OPSET_MIN,
  type NodeProto,
  type TensorProto,
  toNumber,
} from './proto.js';
import { readFloats, readInts, tensorDims } from './tensor-proto.js';
import { formatUnsupported, type Unsupported } from './unsupported.js';

/** Options of {@link importOnnx}. */
export interface ImportOnnxOptions {
  /**
   * One example's shape [C, H, W] (or [F]) when the file's input has none, or to run the network
   * at another size: the zoo's bvlcalexnet declares 224×224 but was trained, as Caffe's AlexNet, on
   * 227×227 crops — at 227 its end-padded pooling never reads the padding, so Nabla can run it.
   */
  inputShape?: number[];
  /** Class names (default: those export recorded, else '0' … 'K−1'). */
  classes?: string[];
  /** What the output means (default: what export recorded, else classification for a 1-D output). */
  outputKind?: 'classification' | 'regression';
  /**
   * A per-channel mean the file's network expects subtracted from its input, in the file's channel
   * order (the zoo's bvlcalexnet: Caffe's BGR means 104, 117, 123): it becomes the input layer's
   * 'zerocenter' mean image, so photos go in as they are.
   */
  inputMean?: number[];
  /**
   * The file's network takes BGR images (Caffe's order, the zoo's bvlcalexnet): the first
   * convolution's input channels (and inputMean) are reversed, so Nabla feeds RGB as read.
   */
  bgrToRgb?: boolean;
}

/** The operators import runs (domain ai.onnx). */
export const SUPPORTED_OPS = [
  'AveragePool',
  'BatchNormalization',
  'Cast',
  'Concat',
  'Constant',
  'Conv',
  'Div',
  'Dropout',
  'Flatten',
  'Gather',
  'Gemm',
  'Identity',
  'LRN',
  'LeakyRelu',
  'MaxPool',
  'Relu',
  'Reshape',
  'Shape',
  'Sigmoid',
  'Softmax',
  'Sub',
  'Tanh',
  'Unsqueeze',
] as const;

/** The attributes each operator may carry; any other is refused (Nabla would ignore its meaning). */
const KNOWN_ATTRIBUTES: Record<string, readonly string[]> = {
  AveragePool: ['kernel_shape', 'strides', 'pads', 'auto_pad', 'ceil_mode', 'count_include_pad'],
  BatchNormalization: ['epsilon', 'momentum', 'spatial', 'training_mode'],
  Cast: ['to', 'saturate'],
  Concat: ['axis'],
  Constant: ['value', 'value_float', 'value_floats', 'value_int', 'value_ints'],
  Conv: ['kernel_shape', 'strides', 'pads', 'dilations', 'group', 'auto_pad'],
  Div: [],
  Dropout: ['ratio', 'seed'],
  Flatten: ['axis'],
  Gather: ['axis'],
  Gemm: ['alpha', 'beta', 'transA', 'transB'],
  Identity: [],
  LRN: ['size', 'alpha', 'beta', 'bias'],
  LeakyRelu: ['alpha'],
  MaxPool: ['kernel_shape', 'strides', 'pads', 'auto_pad', 'ceil_mode', 'dilations', 'storage_order'],
  Relu: [],
  Reshape: ['allowzero'],
  Shape: [],
  Sigmoid: [],
  Softmax: ['axis'],
  Sub: [],
  Tanh: [],
  Unsqueeze: ['axes'],
};

/** Nabla's BatchNorm ε; a file with another is refused (the layer array has no ε option). */
const NABLA_BN_EPS = 1e-5;

type Attrs = Map<string, AttributeProto>;

function attributes(node: NodeProto): Attrs {
  return new Map((node.attribute ?? []).map((a) => [a.name ?? '', a]));
}
const attrInt = (a: Attrs, name: string, fallback: number, what: string): number => {
  const v = a.get(name);
  return v ? toNumber(v.i, `${what} attribute ${name}`) : fallback;
};
const attrInts = (a: Attrs, name: string, what: string): number[] | undefined => {
  const v = a.get(name);
  return v ? (v.ints ?? []).map((x, i) => toNumber(x, `${what} attribute ${name}[${i}]`)) : undefined;
};
const attrFloat = (a: Attrs, name: string, fallback: number): number => {
  const v = a.get(name);
  return v ? (v.f ?? 0) : fallback;
};
const attrString = (a: Attrs, name: string, fallback: string): string => {
  const v = a.get(name);
  return v?.s ? String.fromCharCode(...v.s) : fallback;
};

/**
 * Node-local checks, all nodes at once: the operator, its domain and its attributes. Everything
 * found is returned, so the refusal lists every node that stands in the way.
 */
function staticProblems(nodes: readonly NodeProto[], opset: number, consumed: Set<string>): Unsupported[] {
  const problems: Unsupported[] = [];
  const checkNode = (node: NodeProto, i: number): boolean => {
    const op = node.opType ?? '';
    const name = node.name || `${op}_${i}`;
    const add = (reason: string): boolean => {
      problems.push({ name, opType: op, reason });
      return false;
    };
    const domain = node.domain ?? '';
    if (domain !== '' && domain !== 'ai.onnx') return add(`operator domain '${domain}' is not supported`);
    const known = KNOWN_ATTRIBUTES[op];
    if (!known) return add('operator not supported');
    const a = attributes(node);
    const extra = [...a.keys()].filter((k) => !known.includes(k));
    if (extra.length) return add(`attribute${extra.length > 1 ? 's' : ''} ${extra.join(', ')} not supported`);
    const where = `node '${name}'`;
    const autoPad = attrString(a, 'auto_pad', 'NOTSET');
    if (
      (op === 'Conv' || op === 'MaxPool' || op === 'AveragePool') &&
      autoPad !== 'NOTSET' &&
      autoPad !== 'VALID'
    )
      return add(`auto_pad ${autoPad} is not supported (give explicit pads)`);
    if (op === 'Conv' || op === 'MaxPool' || op === 'AveragePool') {
      const k = attrInts(a, 'kernel_shape', where);
      if (k && k.length !== 2) return add(`a ${k.length}-D kernel (Nabla has 2-D convolution and pooling)`);
    }
    if (op === 'MaxPool') {
      if (attrInt(a, 'storage_order', 0, where) !== 0) return add('storage_order 1 is not supported');
      if ((attrInts(a, 'dilations', where) ?? []).some((d) => d !== 1))
        return add('dilated pooling is not supported');
      if ((node.output ?? []).length > 1 && (node.output ?? []).slice(1).some((o) => o && consumed.has(o)))
        return add('the Indices output is used');
    }
    if (op === 'AveragePool') {
      const pads = attrInts(a, 'pads', where) ?? [];
      if (pads.some((p) => p !== 0) && attrInt(a, 'count_include_pad', 0, where) === 0)
        return add('padding not counted in the average (count_include_pad 0); Nabla counts it');
    }
    if (op === 'LRN') {
      const size = attrInt(a, 'size', 0, where);
      if (size < 1 || size % 2 === 0)
        return add(`size ${size}: ONNX centres an even window differently from Nabla (odd sizes only)`);
    }
    if (op === 'Gemm' && attrInt(a, 'transA', 0, where) !== 0) return add('transA 1 is not supported');
    if (op === 'BatchNormalization') {
      if (attrInt(a, 'spatial', 1, where) !== 1) return add('spatial 0 (per-activation statistics)');
      if (attrInt(a, 'training_mode', 0, where) !== 0) return add('training_mode 1');
      if ((node.output ?? []).slice(1).some((o) => o))
        return add('running-statistics outputs (training mode)');
      const eps = attrFloat(a, 'epsilon', 1e-5);
      if (Math.abs(eps - NABLA_BN_EPS) > 1e-9) return add(`epsilon ${eps} (Nabla's batch norm uses 1e-5)`);
    }
    if (op === 'Dropout' && (node.output ?? []).slice(1).some((o) => o && consumed.has(o)))
      return add('the mask output is used');
    if (op === 'Unsqueeze' && opset >= 13 && a.has('axes')) return add('axes as an attribute in opset ≥ 13');
    return true;
  };
  for (const [i, node] of nodes.entries()) checkNode(node, i);
  return problems;
}

/** A value flowing through the graph during interpretation. */
type Value =
  | { kind: 'data'; shape: number[]; flat: boolean }
  | { kind: 'ints'; dims: number[]; values: (number | 'N')[] }
  | { kind: 'floats'; tensor: TensorProto; what: string };

interface Pending {
  spec: LayerSpec;
  /** Weights by local name, read once the network is assembled. */
  weights: Record<string, () => NDArray>;
}

/**
 * Reads an ONNX model into a Nabla network (a layer array assembled as trainNetwork, classify,
 * visualize and finetune take it): a chain from one input to one output of the operators in
 * SUPPORTED_OPS, opsets 7 … 18 — PyTorch's exports of the course's networks and the ONNX zoo's
 * bvlcalexnet op set (Conv with groups, LRN, MaxPool, Gemm, Dropout, Relu, Softmax, Reshape).
 * Nothing runs until all is checked: the operators and attributes of every node first (all the
 * unsupported ones listed by name and op type), then the chain's shapes and the initializers'
 * sizes against their dims — before any weight is copied.
 */
export function importOnnx(bytes: Uint8Array, options: ImportOnnxOptions = {}): Network {
  const model = decodeModel(bytes);
  const graph = model.graph;
  if (!graph) throw new FormatError('importOnnx', 'the model has no graph');
  const opsets = (model.opsetImport ?? []).filter((o) => !o.domain || o.domain === 'ai.onnx');
  if (opsets.length === 0) throw new FormatError('importOnnx', 'the model imports no ai.onnx opset');
  const opset = toNumber(opsets[0]!.version, 'opset version');
  const nodes = graph.node ?? [];

  const consumed = new Set<string>();
  for (const n of nodes) for (const i of n.input ?? []) if (i) consumed.add(i);
  for (const o of graph.output ?? []) if (o.name) consumed.add(o.name);
  const problems = staticProblems(nodes, opset, consumed);
  if (opset < IMPORT_OPSET_MIN || opset > IMPORT_OPSET_MAX)
    problems.unshift({
      name: '(model)',
      opType: `opset ${opset}`,
      reason: `Nabla imports opsets ${IMPORT_OPSET_MIN} to ${IMPORT_OPSET_MAX}`,
    });
  if (problems.length > 0) throw new ValueError('importOnnx', `cannot import ${formatUnsupported(problems)}`);

  // ---- the chain: shapes, layers, weights (checked, not yet read) --------------------------
  const initializers = new Map<string, TensorProto>();
  for (const t of graph.initializer ?? []) {
    const what = `initializer '${t.name}'`;
    tensorDims(t, what); // dims are sizes and within the limit, before anything else
    initializers.set(t.name ?? '', t);
  }
  const inputs = (graph.input ?? []).filter((v) => !initializers.has(v.name ?? ''));
  if (inputs.length !== 1)
    throw new ValueError(
      'importOnnx',
      `Nabla imports networks with one input, this graph has ${inputs.length} (${inputs.map((v) => v.name).join(', ')})`,
    );
  if ((graph.output ?? []).length !== 1)
    throw new ValueError(
      'importOnnx',
      `Nabla imports networks with one output, this graph has ${(graph.output ?? []).length}`,
    );
  const input = inputs[0]!;
  const declared = (input.type?.tensorType?.shape?.dim ?? []).map((d) =>
    d.dimValue !== undefined && d.dimValue !== null && !d.dimParam
      ? toNumber(d.dimValue, 'input dim')
      : undefined,
  );
  let exampleShape: number[];
  if (options.inputShape) exampleShape = options.inputShape.slice();
  else {
    const rest = declared.slice(1);
    if (declared.length < 2 || rest.some((d) => d === undefined || d < 1))
      throw new ValueError(
        'importOnnx',
        `the input '${input.name}' has shape [${declared.map((d) => d ?? '?').join(',')}]: give inputShape (one example's [C,H,W] or [F])`,
      );
    exampleShape = rest as number[];
  }
  if (exampleShape.length !== 1 && exampleShape.length !== 3)
    throw new ValueError(
      'importOnnx',
      `the input must be [N,C,H,W] or [N,F], got one example of [${exampleShape.join(',')}]`,
    );

  const values = new Map<string, Value>();
  values.set(input.name ?? '', { kind: 'data', shape: exampleShape.slice(), flat: false });
  const constant = (name: string, node: string): Value | undefined => {
    const v = values.get(name);
    if (v) return v;
    const t = initializers.get(name);
    if (!t) return undefined;
    const what = `initializer '${name}'`;
    if (t.dataType === 7 || t.dataType === 6) {
      const { dims, values: ints } = readInts(t, what);
      return { kind: 'ints', dims, values: ints };
    }
    return { kind: 'floats', tensor: t, what: `${what} (node '${node}')` };
  };
  const pending: Pending[] = [];
  const layerNames = new Set<string>();
  let normalization: InputNormalization = 'none';
  let mean: (() => NDArray) | null = null;
  let std: (() => NDArray) | null = null;
  let ended: 'softmax' | null = null;
  let sawLayer = false;
  const dataUsed = new Set<string>();

  const interpret = (node: NodeProto, index: number): void => {
    const op = node.opType ?? '';
    const name = node.name || `${op}_${index}`;
    const fail: (message: string) => never = (message) => {
      throw new ValueError('importOnnx', `node '${name}' (${op}): ${message}`);
    };
    const a = attributes(node);
    const where = `node '${name}'`;
    const ins = node.input ?? [];
    const outs = node.output ?? [];
    const arg = (i: number): Value | undefined => (ins[i] ? constant(ins[i]!, name) : undefined);
    const set = (v: Value) => values.set(outs[0] ?? '', v);
    const layerName = () => {
      let n = name;
      for (let k = 2; layerNames.has(n); k++) n = `${name}_${k}`;
      layerNames.add(n);
      return n;
    };
    const data = (): { kind: 'data'; shape: number[]; flat: boolean } => {
      const v = arg(0);
      if (v?.kind !== 'data') fail(`its first input '${ins[0]}' is not the network's data path`);
      if (dataUsed.has(ins[0]!)) fail(`the graph branches at '${ins[0]}' (Nabla imports a chain of layers)`);
      dataUsed.add(ins[0]!);
      if (ended) fail('comes after the final Softmax');
      return v as { kind: 'data'; shape: number[]; flat: boolean };
    };
    const floats = (i: number, what: string): (() => NDArray) => {
      const v = arg(i);
      if (v?.kind !== 'floats') fail(`its ${what} '${ins[i]}' must be a float initializer`);
      const t = (v as { tensor: TensorProto; what: string }).tensor;
      const w = (v as { what: string }).what;
      const { dims } = tensorDims(t, w);
      readFloatsCheckOnly(t, w);
      const read = () => readFloats(t, w);
      (read as { dims?: number[] }).dims = dims;
      return read;
    };
    const dimsOf = (f: () => NDArray) => (f as { dims?: number[] }).dims!;
    const image = (shape: number[], flat: boolean) => {
      if (shape.length !== 3 || flat) fail(`needs an image [C,H,W], gets [${shape.join(',')}]`);
      return shape as [number, number, number];
    };
    const push = (
      spec: LayerSpec,
      shape: number[],
      flat: boolean,
      weights: Record<string, () => NDArray> = {},
    ) => {
      pending.push({ spec, weights });
      sawLayer = true;
      set({ kind: 'data', shape, flat });
    };

    switch (op) {
      case 'Constant': {
        const t = a.get('value');
        if (t?.t) {
          const tp = t.t;
          if (tp.dataType === 7 || tp.dataType === 6) {
            const r = readInts(tp, `${where} value`);
            set({ kind: 'ints', dims: r.dims, values: r.values });
          } else set({ kind: 'floats', tensor: tp, what: `${where} value` });
        } else if (a.has('value_int'))
          set({ kind: 'ints', dims: [], values: [attrInt(a, 'value_int', 0, where)] });
        else if (a.has('value_ints')) {
          const v = attrInts(a, 'value_ints', where)!;
          set({ kind: 'ints', dims: [v.length], values: v });
        } else if (a.has('value_float'))
          set({
            kind: 'floats',
            tensor: { dims: [], dataType: 1, floatData: [attrFloat(a, 'value_float', 0)] },
            what: where,
          });
        else fail('has no value');
        return;
      }
      case 'Shape': {
        const v = arg(0);
        if (v?.kind !== 'data') fail('takes the shape of something other than the data path');
        const full: (number | 'N')[] = ['N', ...(v.flat ? [v.shape.reduce((x, y) => x * y, 1)] : v.shape)];
        set({ kind: 'ints', dims: [full.length], values: full });
        return;
      }
      case 'Gather': {
        const v = arg(0);
        const idx = arg(1);
        if (v?.kind !== 'ints' || !idx || idx.kind !== 'ints' || attrInt(a, 'axis', 0, where) !== 0)
          fail('Nabla follows Gather only on shape vectors (a Shape → Gather → Concat → Reshape chain)');
        const n = v.values.length;
        const picked = idx.values.map((i) => {
          const k = typeof i === 'number' ? (i < 0 ? i + n : i) : -1;
          if (k < 0 || k >= n) fail(`index ${i} is outside a ${n}-vector`);
          return v.values[k]!;
        });
        set({ kind: 'ints', dims: idx.dims, values: picked });
        return;
      }
      case 'Unsqueeze': {
        const v = arg(0);
        const axes =
          opset >= 13
            ? arg(1)
            : { kind: 'ints' as const, dims: [], values: attrInts(a, 'axes', where) ?? [] };
        if (
          v?.kind !== 'ints' ||
          v.dims.length !== 0 ||
          !axes ||
          axes.kind !== 'ints' ||
          axes.values.join() !== '0'
        )
          fail('Nabla follows Unsqueeze only of a scalar shape entry on axis 0');
        set({ kind: 'ints', dims: [1], values: v.values });
        return;
      }
      case 'Concat': {
        const parts = ins.map((_, i) => arg(i));
        if (parts.some((p) => p?.kind !== 'ints' || p.dims.length !== 1))
          fail('Nabla follows Concat only of shape vectors');
        const all = parts.flatMap((p) => (p as { values: (number | 'N')[] }).values);
        set({ kind: 'ints', dims: [all.length], values: all });
        return;
      }
      case 'Cast': {
        const v = arg(0);
        if (v?.kind !== 'ints') fail('Nabla follows Cast only of shape vectors');
        set(v);
        return;
      }
      case 'Identity': {
        const v = arg(0);
        if (!v) fail(`input '${ins[0]}' is unknown`);
        if (v.kind === 'data') {
          const d = data();
          set({ ...d });
        } else set(v);
        return;
      }
      case 'Sub':
      case 'Div': {
        // Matlab's exportONNXNetwork writes imageInputLayer normalization this way; so does Nabla's export.
        const d = data();
        if (sawLayer || (op === 'Sub' ? normalization !== 'none' : normalization !== 'zerocenter'))
          fail(`Nabla reads ${op} only as the input normalization (Sub then Div, before any layer)`);
        const stat = floats(1, op === 'Sub' ? 'mean' : 'standard deviation');
        const dims = dimsOf(stat);
        const read = () => broadcastStat(stat(), d.shape, name);
        broadcastCheck(dims, d.shape, fail);
        if (op === 'Sub') {
          normalization = 'zerocenter';
          mean = read;
        } else {
          normalization = 'zscore';
          std = read;
        }
        set({ ...d });
        return;
      }
      case 'Conv': {
        const d = data();
        const [c, h, w] = image(d.shape, d.flat);
        const wf = floats(1, 'weight');
        const wd = dimsOf(wf);
        const group = attrInt(a, 'group', 1, where);
        if (wd.length !== 4 || wd[1]! * group !== c || wd[0]! % group !== 0)
          fail(`weight [${wd.join(',')}] does not fit ${c} input channels in ${group} group(s)`);
        const [m, , kh, kw] = wd as [number, number, number, number];
        const kernel = attrInts(a, 'kernel_shape', where) ?? [kh, kw];
        if (kernel[0] !== kh || kernel[1] !== kw)
          fail(`kernel_shape [${kernel}] differs from the weight's [${kh},${kw}]`);
        const strides = attrInts(a, 'strides', where) ?? [1, 1];
        const dil = attrInts(a, 'dilations', where) ?? [1, 1];
        const pads = attrInts(a, 'pads', where) ?? [0, 0, 0, 0];
        // Conv's pads are [top, left, bottom, right] (https://onnx.ai/onnx/operators/onnx__Conv.html); Nabla pads alike on both sides.
        if (pads[0] !== pads[2] || pads[1] !== pads[3])
          fail(`asymmetric pads [${pads}] (Nabla pads both sides alike)`);
        const weights: Record<string, () => NDArray> = { weight: wf };
        if (ins[2]) {
          const bf = floats(2, 'bias');
          if (dimsOf(bf).join() !== String(m)) fail(`bias [${dimsOf(bf)}] does not match ${m} filters`);
          weights.bias = bf;
        } else weights.bias = () => new NDArrayClass(new Float32Array(m), [m]);
        const ho = Math.floor((h + 2 * pads[0]! - dil[0]! * (kh - 1) - 1) / strides[0]!) + 1;
        const wo = Math.floor((w + 2 * pads[1]! - dil[1]! * (kw - 1) - 1) / strides[1]!) + 1;
        if (ho < 1 || wo < 1) fail(`a ${kh}×${kw} kernel does not fit a ${h}×${w} input`);
        const spec = convolution2dLayer([kh, kw], m, {
          name: layerName(),
          stride: [strides[0]!, strides[1]!],
          padding: [pads[0]!, pads[1]!],
          dilation: [dil[0]!, dil[1]!],
          ...(group > 1 ? { numGroups: group } : {}),
        });
        push(spec, [m, ho, wo], false, weights);
        return;
      }
      case 'BatchNormalization': {
        const d = data();
        if (d.flat && d.shape.length === 3) fail('batch norm after a flatten of an image');
        const c = d.shape[0]!;
        const weights: Record<string, () => NDArray> = {};
        const keys = ['weight', 'bias', 'running_mean', 'running_var'];
        for (let i = 0; i < 4; i++) {
          const f = floats(i + 1, ['scale', 'B', 'input_mean', 'input_var'][i]!);
          if (dimsOf(f).join() !== String(c)) fail(`${keys[i]} [${dimsOf(f)}] does not match ${c} channels`);
          weights[keys[i]!] = f;
        }
        push(batchNormalizationLayer({ name: layerName() }), d.shape, d.flat, weights);
        return;
      }
      case 'Relu':
      case 'Sigmoid':
      case 'Tanh':
      case 'LeakyRelu': {
        const d = data();
        const spec =
          op === 'Relu'
            ? reluLayer({ name: layerName() })
            : op === 'Sigmoid'
              ? sigmoidLayer({ name: layerName() })
              : op === 'Tanh'
                ? tanhLayer({ name: layerName() })
                : leakyReluLayer(attrFloat(a, 'alpha', 0.01), { name: layerName() });
        push(spec, d.shape, d.flat);
        return;
      }
      case 'Dropout': {
        const d = data();
        let ratio = attrFloat(a, 'ratio', 0.5);
        if (opset >= 12 && ins[1]) {
          const r = floats(1, 'ratio');
          ratio = r().values()[0] as number;
        }
        if (opset >= 12 && ins[2]) {
          const t = arg(2);
          const mode = t?.kind === 'ints' ? t.values[0] : t?.kind === 'floats' ? 1 : undefined;
          if (mode !== 0 && !(t?.kind === 'floats' && readFloats(t.tensor, t.what).values()[0] === 0))
            fail('training_mode must be a constant false');
        }
        push(dropoutLayer(ratio, { name: layerName() }), d.shape, d.flat);
        return;
      }
      case 'LRN': {
        const d = data();
        image(d.shape, d.flat);
        // LRN: y = x / (bias + α/size · Σ_window x²)^β, the window c − ⌊(size−1)/2⌋ … c + ⌈(size−1)/2⌉
        // (https://onnx.ai/onnx/operators/onnx__LRN.html): α is divided by the size, as Nabla's
        // crossChannelNormalizationLayer (and Caffe, Matlab, PyTorch) do; odd sizes centre alike.
        const spec = crossChannelNormalizationLayer(attrInt(a, 'size', 5, where), {
          name: layerName(),
          alpha: attrFloat(a, 'alpha', 1e-4),
          beta: attrFloat(a, 'beta', 0.75),
          k: attrFloat(a, 'bias', 1),
        });
        push(spec, d.shape, false);
        return;
      }
      case 'MaxPool':
      case 'AveragePool': {
        const d = data();
        const [c, h, w] = image(d.shape, d.flat);
        const kernel = attrInts(a, 'kernel_shape', where);
        if (!kernel) fail('has no kernel_shape');
        const strides = attrInts(a, 'strides', where) ?? [1, 1];
        const pads = attrInts(a, 'pads', where) ?? [0, 0, 0, 0];
        const ceil = attrInt(a, 'ceil_mode', 0, where) === 1;
        const out = [0, 1].map((i) => {
          const size = i === 0 ? h : w;
          const k = kernel[i]!;
          const s = strides[i]!;
          const begin = pads[i]!;
          const end = pads[i + 2]!;
          // What the file asks for (https://onnx.ai/onnx/operators/onnx__MaxPool.html):
          // ⌊ or ⌈ (size + begin + end − k)/s ⌉ + 1, a window starting in the end padding dropped.
          let asked = (ceil ? Math.ceil : Math.floor)((size + begin + end - k) / s) + 1;
          if (ceil && (asked - 1) * s >= size + begin) asked--;
          // What Nabla computes with symmetric padding p = begin: ⌊(size + 2p − k)/s⌋ + 1.
          const nabla = Math.floor((size + 2 * begin - k) / s) + 1;
          // Padding at the end beyond `begin`, or ceil mode, changes nothing when the windows Nabla
          // places are the ones the file asks for and none reads past Nabla's padding.
          if (end < begin || asked !== nabla)
            fail(
              `pads [${pads}]${ceil ? ' with ceil_mode' : ''} give ${asked} outputs on a ${size}-wide axis where symmetric padding gives ${nabla}` +
                (end > begin
                  ? ' (exported at another input size? give inputShape, or nabla import --input-size)'
                  : ''),
            );
          return nabla;
        });
        if (out.some((o) => o < 1)) fail(`a ${kernel.join('×')} window does not fit a ${h}×${w} input`);
        const opts = {
          name: layerName(),
          stride: [strides[0]!, strides[1]!] as [number, number],
          padding: [pads[0]!, pads[1]!] as [number, number],
        };
        const spec =
          op === 'MaxPool'
            ? maxPooling2dLayer([kernel[0]!, kernel[1]!], opts)
            : averagePooling2dLayer([kernel[0]!, kernel[1]!], opts);
        push(spec, [c, out[0]!, out[1]!], false);
        return;
      }
      case 'Flatten': {
        const d = data();
        const axis = attrInt(a, 'axis', 1, where);
        if (axis !== 1) fail(`axis ${axis} (Nabla flattens each example: axis 1)`);
        set({ kind: 'data', shape: [d.shape.reduce((x, y) => x * y, 1)], flat: true });
        return;
      }
      case 'Reshape': {
        const d = data();
        const target = arg(1);
        if (target?.kind !== 'ints') fail('its shape is not a constant (or a Shape chain)');
        const per = d.shape.reduce((x, y) => x * y, 1);
        const t = target.values;
        // A flatten written as Reshape: [N or 0 or −1 or 1, C·H·W or −1]. A hard-coded 1 is a batch
        // of one, as exporters write when they were traced at batch 1 (Caffe2's converted zoo models).
        const batchOk = t[0] === 'N' || t[0] === 0 || t[0] === 1 || (t[0] === -1 && t[1] === per);
        if (t.length !== 2 || !batchOk || !(t[1] === per || t[1] === -1))
          fail(`reshape to [${t.join(',')}] is not a flatten of [N,${d.shape.join(',')}]`);
        set({ kind: 'data', shape: [per], flat: true });
        return;
      }
      case 'Gemm': {
        const d = data();
        if (d.shape.length !== 1 && !d.flat) fail(`needs [N,features], gets [N,${d.shape.join(',')}]`);
        const per = d.shape.reduce((x, y) => x * y, 1);
        const bf = floats(1, 'weight');
        const bd = dimsOf(bf);
        const transB = attrInt(a, 'transB', 0, where) === 1;
        const alpha = attrFloat(a, 'alpha', 1);
        const beta = attrFloat(a, 'beta', 1);
        if (bd.length !== 2 || (transB ? bd[1] : bd[0]) !== per)
          fail(`weight [${bd.join(',')}]${transB ? ' (transposed)' : ''} does not take ${per} features`);
        const outF = (transB ? bd[0] : bd[1])!;
        // Gemm: Y = α·A·B′ + β·C (https://onnx.ai/onnx/operators/onnx__Gemm.html). Nabla's Linear is
        // y = x·Wᵀ + b with W [out, in]: W = α·B′ᵀ (B itself when transB = 1 and α = 1), b = β·C.
        const weight = () => {
          let W = bf();
          if (!transB) W = W.transpose().contiguous();
          if (alpha === 1) return W;
          const v = W.values() as Float32Array;
          return new NDArrayClass(
            v.map((x) => alpha * x),
            W.shape,
          );
        };
        let bias: () => NDArray = () => new NDArrayClass(new Float32Array(outF), [outF]);
        if (ins[2]) {
          const cf = floats(2, 'bias');
          const cd = dimsOf(cf);
          const count = cd.reduce((x, y) => x * y, 1);
          if (!(count === outF || count === 1) || cd.some((x, i) => x !== 1 && i !== cd.length - 1))
            fail(`bias [${cd}] does not broadcast to ${outF} outputs per example`);
          bias = () => {
            const raw = cf().values() as Float32Array;
            const b = new Float32Array(outF);
            for (let j = 0; j < outF; j++) b[j] = beta * raw[count === 1 ? 0 : j]!;
            return new NDArrayClass(b, [outF]);
          };
        }
        push(fullyConnectedLayer(outF, { name: layerName() }), [outF], false, { weight, bias });
        return;
      }
      case 'Softmax': {
        const d = data();
        const axis = attrInt(a, 'axis', opset >= 13 ? -1 : 1, where);
        if (d.shape.length !== 1 || !(axis === 1 || axis === -1))
          fail(
            `Nabla reads Softmax over the classes of [N,K] as the output, got axis ${axis} on [N,${d.shape}]`,
          );
        ended = 'softmax';
        set({ kind: 'data', shape: d.shape, flat: false });
        return;
      }
      default:
        fail('operator not supported');
    }
  };
  for (const [index, node] of nodes.entries()) interpret(node, index);

  const outName = graph.output![0]!.name ?? '';
  const out = values.get(outName);
  if (out?.kind !== 'data')
    throw new ValueError('importOnnx', `the graph output '${outName}' is not produced by the data path`);
  const meta = new Map((model.metadataProps ?? []).map((p) => [p.key ?? '', p.value ?? '']));
  const outputKind =
    options.outputKind ??
    (meta.get(META_OUTPUT_KIND) === 'regression'
      ? 'regression'
      : out.shape.length === 1
        ? 'classification'
        : 'regression');
  if (ended && outputKind === 'regression')
    throw new ValueError('importOnnx', 'the graph ends in Softmax: it is a classification network');
  const numClasses = out.shape[0]!;
  let classes = options.classes;
  if (!classes && meta.has(META_CLASSES)) {
    try {
      const c = JSON.parse(meta.get(META_CLASSES)!);
      if (Array.isArray(c) && c.length === numClasses) classes = c.map(String);
    } catch {
      // Unreadable class names fall back to numbers.
    }
  }
  if (classes && classes.length !== numClasses)
    throw new ValueError('importOnnx', `${classes.length} class names for ${numClasses} outputs`);

  if (options.inputMean) {
    const c = exampleShape[0]!;
    if (normalization !== 'none')
      throw new ValueError('importOnnx', 'inputMean: the graph already subtracts a mean (its Sub node)');
    if (
      exampleShape.length !== 3 ||
      options.inputMean.length !== c ||
      !options.inputMean.every(Number.isFinite)
    )
      throw new ValueError(
        'importOnnx',
        `inputMean needs ${c} finite channel means, got [${options.inputMean.join(', ')}]`,
      );
    const [, h, w] = exampleShape as [number, number, number];
    // Given in the file's channel order; reversed with the channels for bgrToRgb.
    const perChannel = options.bgrToRgb ? options.inputMean.slice().reverse() : options.inputMean;
    normalization = 'zerocenter';
    mean = () => {
      const m = new Float32Array(c * h * w);
      for (let k = 0; k < c; k++) m.fill(perChannel[k]!, k * h * w, (k + 1) * h * w);
      return new NDArrayClass(m, [c, h, w]);
    };
  } else if (options.bgrToRgb && mean) {
    const read = mean as () => NDArray;
    mean = () => reverseChannels(read(), 0);
  }
  if (options.bgrToRgb) {
    const conv = pending[0];
    const config = conv?.spec.config;
    const groups = (config?.args[2] as { numGroups?: number } | undefined)?.numGroups ?? 1;
    if (exampleShape[0] !== 3 || conv?.spec.kind !== 'convolution2d' || groups !== 1 || std)
      throw new ValueError(
        'importOnnx',
        'bgrToRgb needs a 3-channel network whose first layer is an ungrouped convolution',
      );
    const read = conv.weights.weight!;
    conv.weights.weight = () => reverseChannels(read(), 1);
  }
  const [first] = [
    exampleShape.length === 3
      ? imageInputLayer([exampleShape[1]!, exampleShape[2]!, exampleShape[0]!], {
          normalization,
          name: input.name ?? 'input',
        })
      : featureInputLayer(exampleShape[0]!, { normalization, name: input.name ?? 'input' }),
  ];
  const tail: LayerSpec[] =
    outputKind === 'classification'
      ? [
          softmaxLayer({ name: 'softmax' }),
          classificationLayer({ name: 'output', ...(classes ? { classes } : {}) }),
        ]
      : [regressionLayer({ name: 'output' })];
  const net = assembleNetwork([first!, ...pending.map((p) => p.spec), ...tail]);

  // ---- the weights: each read once, copied into the network --------------------------------
  const state = new Map<string, NDArray>();
  pending.forEach((p, i) => {
    const row = net.layerRows[i + 1]!;
    const module = row.modules[row.modules.length - 1];
    for (const [local, read] of Object.entries(p.weights)) state.set(`${module}.${local}`, read());
    if (row.kind === 'batchNormalization')
      state.set(`${module}.num_batches_tracked`, new NDArrayClass(new Int32Array(1), []));
  });
  if (mean) state.set('input.mean', (mean as () => NDArray)());
  if (std) state.set('input.std', (std as () => NDArray)());
  net.loadStateDict(state, { strict: true });
  net.eval();
  return net;
}

/** Validates an initializer's byte count against its dims without copying it (readFloats does both). */
function readFloatsCheckOnly(t: TensorProto, what: string): void {
  const { dims, count } = tensorDims(t, what);
  if (t.dataLocation === 1)
    throw new FormatError(
      'importOnnx',
      `${what}: its data lives in an external file, which Nabla does not read`,
    );
  if (t.dataType !== 1)
    throw new FormatError('importOnnx', `${what}: element type ${t.dataType} is not float32`);
  const n = t.rawData && t.rawData.length > 0 ? t.rawData.length / 4 : (t.floatData ?? []).length;
  if (n !== count)
    throw new FormatError(
      'importOnnx',
      `${what}: dims [${dims.join(',')}] need ${count} values, the file holds ${n}`,
    );
}

/** A normalization statistic must broadcast to one example: [1,C,H,W], [C,H,W], [C,1,1], a scalar… */
function broadcastCheck(dims: number[], shape: number[], fail: (m: string) => never): void {
  const d = dims.length === shape.length + 1 && dims[0] === 1 ? dims.slice(1) : dims;
  if (d.length > shape.length) fail(`statistic [${dims}] does not broadcast to an example [${shape}]`);
  const pad = [...new Array(shape.length - d.length).fill(1), ...d];
  if (pad.some((x, i) => x !== 1 && x !== shape[i]))
    fail(`statistic [${dims}] does not broadcast to an example [${shape}]`);
}

function broadcastStat(a: NDArray, shape: number[], node: string): NDArray {
  const d = a.shape.length === shape.length + 1 && a.shape[0] === 1 ? a.shape.slice(1) : a.shape.slice();
  const padded = [...new Array(shape.length - d.length).fill(1), ...d];
  const out = a.reshape(padded).broadcastTo(shape).contiguous().copy();
  if ((out.values() as Float32Array).some((v) => !Number.isFinite(v)))
    throw new FormatError('importOnnx', `node '${node}': a normalization statistic is not finite`);
  return out;
}

/** Reverses axis `axis` (the colour channels) of a weight or mean: BGR ↔ RGB. */
function reverseChannels(a: NDArray, axis: number): NDArray {
  const shape = a.shape.slice();
  const src = a.contiguous().values() as Float32Array;
  const out = new Float32Array(src.length);
  const inner = shape.slice(axis + 1).reduce((x, y) => x * y, 1);
  const n = shape[axis]!;
  const outer = src.length / (inner * n);
  for (let o = 0; o < outer; o++)
    for (let k = 0; k < n; k++)
      out.set(src.subarray((o * n + k) * inner, (o * n + k + 1) * inner), (o * n + (n - 1 - k)) * inner);
  return new NDArrayClass(out, shape);
}
