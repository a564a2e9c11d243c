import { noGrad, Tensor } from '@nabla/autograd';
import { formatShape, zeros } from '@nabla/tensor';
import type { Module } from './module.js';

/** Options of {@link summary}. */
export interface SummaryOptions {
  /** Also list containers (modules with children), not only the layers that compute. */
  includeContainers?: boolean;
}

/** One layer of a {@link summary} table. */
export interface SummaryRow {
  /** Dotted path ('' for the root). */
  name: string;
  /** The layer's class name. */
  type: string;
  /** Output shape of the layer's forward, batch axis included. */
  outputShape: number[];
  /** Values in the layer's own parameters (BatchNorm counts γ and β, not its running statistics). */
  learnables: number;
  /** Own parameters by local name with their shapes, e.g. { weight: [16,1,3,3], bias: [16] }. */
  parameterShapes: Record<string, number[]>;
}

/** What {@link summary} returns: one row per layer and the learnable counts. */
export interface SummaryResult {
  /** The input shape the forward pass was traced with (batch axis included). */
  inputShape: number[];
  /** One row per layer, in forward order. */
  rows: SummaryRow[];
  /** Learnable values in every parameter. */
  totalLearnables: number;
  /** Learnable values in the parameters that are not frozen. */
  trainableLearnables: number;
  /** The rows as an aligned text table, with the totals underneath. */
  table: string;
  /** The table. */
  toString(): string;
}

/**
 * Runs one forward pass on zeros of `inputShape` and records each module's output shape, by
 * wrapping every module's `forward` for the duration of the call (so custom modules that call
 * `child.forward(x)` are seen too). Runs without a graph and in evaluation mode, so BatchNorm's
 * running statistics are not touched; each module's training flag is restored afterwards.
 */
export function summary(
  root: Module,
  inputShape: readonly number[],
  options: SummaryOptions = {},
): SummaryResult {
  const modules = root.namedModules();
  const outputs = new Map<Module, number[]>();
  const modes = modules.map(([, m]) => m.training);
  const dtype = root.parameters()[0]?.dtype ?? 'float32';
  const wrapped: { m: Module; own: boolean; original: Module['forward'] }[] = [];
  try {
    for (const [, m] of modules) {
      const original = m.forward;
      wrapped.push({ m, own: Object.hasOwn(m, 'forward'), original });
      m.forward = (x: Tensor): Tensor => {
        const y = original.call(m, x);
        outputs.set(m, y.shape.slice());
        return y;
      };
    }
    root.eval();
    noGrad(() => root.forward(new Tensor(zeros(inputShape, dtype))));
  } finally {
    // Put back exactly what was there: an own `forward` (an arrow-function field) or the prototype's.
    for (const { m, own, original } of wrapped) {
      if (own) m.forward = original;
      else delete (m as { forward?: unknown }).forward;
    }
    modules.forEach(([, m], i) => {
      m.training = modes[i]!;
    });
  }

  const rows: SummaryRow[] = [];
  for (const [name, m] of modules) {
    const own = m.ownParameterList();
    const isContainer = m.children().length > 0;
    if (isContainer && own.length === 0 && !options.includeContainers) continue;
    const parameterShapes: Record<string, number[]> = {};
    for (const [pName, p] of m.namedParameters('', false)) parameterShapes[pName] = p.shape.slice();
    rows.push({
      name,
      type: m.typeName,
      outputShape: outputs.get(m) ?? [],
      learnables: own.reduce((n, p) => n + p.size, 0),
      parameterShapes,
    });
  }
  const totalLearnables = root.numParameters();
  const trainableLearnables = root.numParameters({ trainableOnly: true });
  const table = formatTable(inputShape, rows, totalLearnables, trainableLearnables);
  return {
    inputShape: inputShape.slice(),
    rows,
    totalLearnables,
    trainableLearnables,
    table,
    toString: () => table,
  };
}

const group = (n: number) => n.toLocaleString('en-US');

function formatTable(
  inputShape: readonly number[],
  rows: SummaryRow[],
  total: number,
  trainable: number,
): string {
  const header = ['Layer', 'Type', 'Output shape', 'Learnables'];
  const body = [
    ['(input)', '', formatShape(inputShape), ''],
    ...rows.map((r) => [
      r.name || '(root)',
      r.type,
      formatShape(r.outputShape),
      r.learnables ? group(r.learnables) : '0',
    ]),
  ];
  const widths = header.map((h, c) => Math.max(h.length, ...body.map((row) => row[c]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, c) => (c === 3 ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
      .join('  ')
      .trimEnd();
  const rule = '-'.repeat(widths.reduce((a, b) => a + b, 0) + 2 * (widths.length - 1));
  return [
    line(header),
    rule,
    ...body.map(line),
    rule,
    `Total learnables: ${group(total)}`,
    `Trainable: ${group(trainable)}   Frozen: ${group(total - trainable)}`,
  ].join('\n');
}
