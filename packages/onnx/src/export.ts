import {
  AvgPool2d,
  BatchNorm1d,
  BatchNorm2d,
  Conv2d,
  CrossChannelNormalization,
  Dropout,
  Flatten,
  Identity,
  LeakyReLU,
  Linear,
  MaxPool2d,
  type Module,
  ReLU,
  Sequential,
  Sigmoid,
  Softmax,
  Tanh,
} from '@nabla/layers';
import { AlexNetBody, type Network } from '@nabla/models';
import { NDArray, ValueError } from '@nabla/tensor';
import {
  AttributeType,
  type AttributeProto,
  DataType,
  EXPORT_IR_VERSION,
  EXPORT_OPSET,
  encodeModel,
  type NodeProto,
  type TensorProto,
  type ValueInfoProto,
} from './proto.js';
import { floatInitializer, scalarFloatInitializer } from './tensor-proto.js';
import { formatUnsupported, type Unsupported } from './unsupported.js';

export interface ExportOnnxOptions {
  /** The graph input's name (default 'input'). */
  inputName?: string;
  /** The graph output's name (default 'prob' for a classification network, as the zoo's AlexNet, else 'output'). */
  outputName?: string;
  /**
   * 'probabilities' (default): a classification network ends in Softmax, as Network.predict does;
   * 'scores': the body's output alone (the logits), e.g. to compare or to serve raw scores.
   */
  output?: 'probabilities' | 'scores';
  /** Free text recorded as the model's doc_string. */
  docString?: string;
}

/** Metadata keys export writes and import reads back, so class names and the output kind survive. */
export const META_CLASSES = 'nabla.classes';
export const META_OUTPUT_KIND = 'nabla.outputKind';

/**
 * Writes a Nabla network as an ONNX model (opset 13): weights as float32 initializers named as
 * Nabla's (PyTorch's) state dict names them, one node per layer named after the network's layer
 * table (conv1, relu1, … as Matlab's exportONNXNetwork does), a batch axis 'N' of any size, and:
 *   - the input normalization as Sub (x − μ, 'zerocenter') and Div (÷ σ, 'zscore');
 *   - for a classification network, the scores followed by Softmax, so the output is the class
 *     probabilities Network.predict returns (the zoo's AlexNet ends the same way, in 'prob').
 * A layer ONNX cannot express as Nabla computes it (an even LRN window, a module type export does
 * not know) is refused before anything is written, all such layers listed.
 */
export function exportOnnx(net: Network, options: ExportOnnxOptions = {}): Uint8Array {
  const inputName = options.inputName ?? 'input';
  const classification = net.outputKind === 'classification';
  const outputName =
    options.outputName ?? (classification && options.output !== 'scores' ? 'prob' : 'output');
  const rowName = new Map<string, string>();
  for (const row of net.layerRows) {
    for (const [i, m] of row.modules.entries())
      rowName.set(m, row.modules.length > 1 && i < row.modules.length - 1 ? `${row.name}_${i}` : row.name);
  }

  const leaves: { path: string; module: Module }[] = [];
  const unsupported: Unsupported[] = [];
  walk(net.body, '', leaves, unsupported);

  const nodes: NodeProto[] = [];
  const initializers: TensorProto[] = [];
  const used = new Set<string>();
  const unique = (name: string): string => {
    let n = name;
    for (let i = 2; used.has(n); i++) n = `${name}_${i}`;
    used.add(n);
    return n;
  };
  let current = inputName;
  used.add(inputName);
  const emit = (opType: string, name: string, inputs: string[], attributes: AttributeProto[] = []) => {
    const nodeName = unique(name);
    const out = `${nodeName}_out`;
    used.add(out);
    nodes.push({ name: nodeName, opType, input: [current, ...inputs], output: [out], attribute: attributes });
    current = out;
  };
  const weight = (name: string, value: Parameters<typeof floatInitializer>[1]): string => {
    initializers.push(floatInitializer(name, value));
    used.add(name);
    return name;
  };

  // Input normalization (Matlab's imageInputLayer 'zerocenter' / 'zscore').
  if (net.normalization !== 'none') {
    if (!net.mean)
      throw new ValueError(
        'exportOnnx',
        `the input normalization '${net.normalization}' has no statistics yet`,
      );
    emit('Sub', 'input_normalization', [weight('input.mean', net.mean.reshape([1, ...net.inputShape]))]);
    if (net.normalization === 'zscore' && net.std)
      emit('Div', 'input_scaling', [weight('input.std', net.std.reshape([1, ...net.inputShape]))]);
  }

  for (const { path, module: m } of leaves) {
    const name = rowName.get(path) ?? (path || m.typeName);
    const p = (local: string) => (path ? `${path}.${local}` : local);
    if (m instanceof Conv2d) {
      const inputs = [weight(p('weight'), m.weight.data)];
      if (m.bias) inputs.push(weight(p('bias'), m.bias.data));
      // ONNX Conv: pads are [top, left, bottom, right]; Nabla pads both sides alike.
      // https://onnx.ai/onnx/operators/onnx__Conv.html
      emit('Conv', name, inputs, [
        ints('kernel_shape', m.kernelSize),
        ints('strides', m.stride),
        ints('pads', [m.padding[0], m.padding[1], m.padding[0], m.padding[1]]),
        ints('dilations', m.dilation),
        int('group', m.groups),
      ]);
    } else if (m instanceof Linear) {
      // Gemm: Y = α·A·B' + β·C with transB = 1, so B is Nabla's (PyTorch's) W [out, in] unchanged.
      // https://onnx.ai/onnx/operators/onnx__Gemm.html
      const inputs = [weight(p('weight'), m.weight.data)];
      if (m.bias) inputs.push(weight(p('bias'), m.bias.data));
      emit('Gemm', name, inputs, [float('alpha', 1), float('beta', 1), int('transB', 1)]);
    } else if (m instanceof BatchNorm2d || m instanceof BatchNorm1d) {
      // BatchNormalization (inference): y = γ (x − μ) / √(σ² + ε) + β, μ and σ² the running statistics.
      // https://onnx.ai/onnx/operators/onnx__BatchNormalization.html
      const c = m.numFeatures;
      const ones = new Float32Array(c).fill(1);
      const scale = m.weight ? weight(p('weight'), m.weight.data) : weight(p('weight'), nd(ones, [c]));
      const bias = m.bias ? weight(p('bias'), m.bias.data) : weight(p('bias'), nd(new Float32Array(c), [c]));
      emit(
        'BatchNormalization',
        name,
        [scale, bias, weight(p('running_mean'), m.runningMean), weight(p('running_var'), m.runningVar)],
        [float('epsilon', m.eps), float('momentum', 1 - m.momentum)],
      );
    } else if (m instanceof ReLU) emit('Relu', name, []);
    else if (m instanceof LeakyReLU) emit('LeakyRelu', name, [], [float('alpha', m.slope)]);
    else if (m instanceof Sigmoid) emit('Sigmoid', name, []);
    else if (m instanceof Tanh) emit('Tanh', name, []);
    else if (m instanceof MaxPool2d || m instanceof AvgPool2d) {
      const { kernelSize, stride, padding } = m.geometry;
      // Nabla pools with floor((H + 2p − k)/s) + 1 outputs: ONNX's ceil_mode 0.
      // https://onnx.ai/onnx/operators/onnx__MaxPool.html, onnx__AveragePool.html
      const attributes = [
        ints('kernel_shape', kernelSize),
        ints('strides', stride),
        ints('pads', [padding[0], padding[1], padding[0], padding[1]]),
      ];
      if (m instanceof AvgPool2d) {
        // ONNX's default is count_include_pad 0; Nabla's (PyTorch's, Matlab's) is to count the zeros.
        attributes.push(int('count_include_pad', m.countIncludePad ? 1 : 0));
        emit('AveragePool', name, [], attributes);
      } else emit('MaxPool', name, [], attributes);
    } else if (m instanceof CrossChannelNormalization) {
      // LRN: y = x / (bias + α/size · Σ x²)^β — α divided by the window size, as Nabla, Caffe and
      // Matlab do. ONNX's window is c − ⌊(size−1)/2⌋ … c + ⌈(size−1)/2⌉: Nabla's for odd sizes only.
      // https://onnx.ai/onnx/operators/onnx__LRN.html
      if (m.size % 2 === 0) {
        unsupported.push({
          name: path,
          opType: m.typeName,
          reason: `an even window (${m.size}) is placed differently in ONNX's LRN`,
        });
        continue;
      }
      emit(
        'LRN',
        name,
        [],
        [int('size', m.size), float('alpha', m.alpha), float('beta', m.beta), float('bias', m.k)],
      );
    } else if (m instanceof Dropout) {
      // Opset 12+: the ratio is an input; without training_mode the node is the identity, as in
      // Nabla's evaluation mode. https://onnx.ai/onnx/operators/onnx__Dropout.html
      const ratio = unique(`${p('ratio')}`);
      initializers.push(scalarFloatInitializer(ratio, m.p));
      emit('Dropout', name, [ratio]);
    } else if (m instanceof Flatten) {
      if (m.startDim !== 1 || m.endDim !== -1) {
        unsupported.push({
          name: path,
          opType: 'Flatten',
          reason: `startDim ${m.startDim}, endDim ${m.endDim}`,
        });
        continue;
      }
      // Flatten(axis 1): [N, C, H, W] → [N, C·H·W], row-major as Nabla's. onnx__Flatten.html
      emit('Flatten', name, [], [int('axis', 1)]);
    } else if (m instanceof Softmax) {
      if (m.axis !== 1 && m.axis !== -1) {
        unsupported.push({ name: path, opType: 'Softmax', reason: `axis ${m.axis}` });
        continue;
      }
      emit('Softmax', name, [], [int('axis', m.axis)]);
    } else if (m instanceof Identity) emit('Identity', name, []);
    else
      unsupported.push({
        name: path || '(body)',
        opType: m.typeName,
        reason: 'no ONNX export for this layer',
      });
  }
  if (unsupported.length > 0)
    throw new ValueError('exportOnnx', `cannot export ${formatUnsupported(unsupported)}`);

  if (classification && options.output !== 'scores') {
    // Softmax-13 normalizes along `axis` alone; the scores are [N, classes]. onnx__Softmax.html
    emit('Softmax', 'prob', [], [int('axis', 1)]);
  }
  // The last node writes the graph output.
  const last = nodes[nodes.length - 1];
  if (last) {
    last.output = [outputName];
  } else {
    nodes.push({ name: 'identity', opType: 'Identity', input: [inputName], output: [outputName] });
  }
  const outputShape = net.layerRows.length ? net.layerRows[net.layerRows.length - 1]!.outputShape : undefined;
  const model = {
    irVersion: EXPORT_IR_VERSION,
    producerName: 'nabla',
    producerVersion: '0.1.0',
    docString: options.docString ?? '',
    opsetImport: [{ domain: '', version: EXPORT_OPSET }],
    metadataProps: [
      { key: META_OUTPUT_KIND, value: net.outputKind },
      ...(classification ? [{ key: META_CLASSES, value: JSON.stringify(net.classes) }] : []),
    ],
    graph: {
      name: 'nabla',
      node: nodes,
      initializer: initializers,
      input: [valueInfo(inputName, net.inputShape)],
      output: [valueInfo(outputName, outputShape)],
    },
  };
  return encodeModel(model);
}

/** The leaves of the body in forward order; containers Nabla knows the forward of are opened. */
function walk(
  m: Module,
  path: string,
  out: { path: string; module: Module }[],
  unsupported: Unsupported[],
): void {
  const join = (name: string) => (path ? `${path}.${name}` : name);
  if (m instanceof Sequential) {
    for (const [name, child] of m.namedChildren()) walk(child, join(name), out, unsupported);
  } else if (m instanceof AlexNetBody) {
    // AlexNet's forward: classifier(flatten(features(x), 1)).
    walk(m.features, join('features'), out, unsupported);
    out.push({ path: join('flatten'), module: new Flatten(1, -1) });
    walk(m.classifier, join('classifier'), out, unsupported);
  } else if (m.children().length > 0) {
    unsupported.push({
      name: path || '(body)',
      opType: m.typeName,
      reason: 'a container whose forward export cannot read (only Sequential and AlexNet are walked)',
    });
  } else out.push({ path, module: m });
}

function nd(values: Float32Array, shape: number[]): NDArray {
  return new NDArray(values, shape);
}

function valueInfo(name: string, exampleShape: readonly number[] | undefined): ValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: DataType.FLOAT,
        ...(exampleShape
          ? { shape: { dim: [{ dimParam: 'N' }, ...exampleShape.map((d) => ({ dimValue: d }))] } }
          : {}),
      },
    },
  };
}

function int(name: string, i: number): AttributeProto {
  return { name, type: AttributeType.INT, i };
}
function ints(name: string, values: readonly number[]): AttributeProto {
  return { name, type: AttributeType.INTS, ints: values.slice() };
}
function float(name: string, f: number): AttributeProto {
  return { name, type: AttributeType.FLOAT, f };
}
