import * as nd from '@nabla/tensor';
import { formatShape, type NDArray, ShapeError, ValueError } from '@nabla/tensor';

/** Pushes the output gradient dy = ∂L/∂y back to each input: one entry per input (null = no gradient). */
export type BackwardFn = (dy: NDArray) => (NDArray | null)[];

let gradEnabled = true;

/** Whether ops currently record the graph (false inside `noGrad`). */
export function isGradEnabled(): boolean {
  return gradEnabled;
}

/** Runs `fn` without recording a graph: inference, optimizer updates, metric computation. */
export function noGrad<T>(fn: () => T): T {
  const previous = gradEnabled;
  gradEnabled = false;
  try {
    return fn();
  } finally {
    gradEnabled = previous;
  }
}

/**
 * A value in the computation graph: an NDArray, and — when it depends on something that requires
 * a gradient — the op that made it, its inputs and the closure that pushes a gradient back to them.
 * Leaves with `requiresGrad` (parameters) accumulate `grad` across backward calls until zeroed.
 */
export class Tensor {
  /** The values. */
  data: NDArray;
  /** Whether backward() computes a gradient for this tensor (and through it). */
  requiresGrad: boolean;
  /**
   * ∂L/∂this after backward() (null before, or after zeroGrad); kept on leaves, and on others after
   * retainGrad().
   */
  grad: NDArray | null = null;
  /** The op that produced this tensor ('leaf' for inputs and parameters). */
  readonly op: string;
  /** Optional label (a parameter's name) used in error messages. */
  name: string | undefined;
  private inputs: Tensor[];
  private backwardFn: BackwardFn | null;
  private savedVersions: number[];
  private keepGrad = false;
  /** Bumped by every in-place change; backward refuses to use a value changed after it was recorded. */
  version = 0;

  constructor(
    data: NDArray,
    requiresGrad = false,
    op = 'leaf',
    inputs: Tensor[] = [],
    backwardFn: BackwardFn | null = null,
  ) {
    this.data = data;
    this.requiresGrad = requiresGrad;
    this.op = op;
    this.inputs = inputs;
    this.backwardFn = backwardFn;
    this.savedVersions = inputs.map((t) => t.version);
  }

  /** The size of each axis. */
  get shape(): readonly number[] {
    return this.data.shape;
  }
  /** The element type. */
  get dtype(): nd.DType {
    return this.data.dtype;
  }
  /** The number of axes. */
  get ndim(): number {
    return this.data.ndim;
  }
  /** The number of elements. */
  get size(): number {
    return this.data.size;
  }
  /** True for a tensor no op produced (an input or a parameter). */
  get isLeaf(): boolean {
    return this.backwardFn === null;
  }

  /** The single value of a one-element tensor. */
  item(): number {
    return this.data.item();
  }
  /** The values as nested arrays. */
  toArray(): nd.NestedArray {
    return this.data.toArray();
  }

  /** The same values, cut from the graph. */
  detach(): Tensor {
    return new Tensor(this.data, false);
  }

  /** Keeps `grad` on a non-leaf tensor too (like PyTorch's retain_grad). */
  retainGrad(): this {
    this.keepGrad = true;
    return this;
  }

  /** Forgets the gradient (grad ← null), before the next backward(). */
  zeroGrad(): void {
    this.grad = null;
  }

  /**
   * Replaces this tensor's values in place (optimizer steps, loading weights). Bumps the version so a
   * pending backward that recorded the old values refuses to run instead of computing a wrong gradient.
   */
  assign(values: NDArray): void {
    if (values.ndim !== this.ndim || values.shape.some((d, i) => d !== this.shape[i])) {
      throw new ShapeError(
        `assign${this.name ? ` (${this.name})` : ''}`,
        `expected shape ${formatShape(this.shape)}, got ${formatShape(values.shape)}`,
      );
    }
    this.data = values.dtype === this.dtype ? values : values.astype(this.dtype);
    this.version++;
  }

  /** Marks an in-place change of `data`'s buffer made by hand (bumps the version). */
  markChanged(): void {
    this.version++;
  }

  /**
   * Reverse-mode differentiation: visits the graph in reverse topological order and applies each
   * op's vector-Jacobian product, accumulating ∂L/∂t into every leaf that requires a gradient.
   * Called on a scalar loss, the seed gradient is 1; otherwise pass ∂L/∂this. The graph is freed
   * afterwards (unless `retainGraph`), so the closures and their saved arrays can be collected.
   */
  backward(gradient?: NDArray, options: { retainGraph?: boolean } = {}): void {
    if (this.freed) {
      throw new ValueError(
        'backward',
        `graph freed: an earlier backward() through '${this.op}' released it; pass { retainGraph: true } to that call to run backward() again`,
      );
    }
    if (!this.requiresGrad) {
      throw new ValueError(
        'backward',
        `called on a tensor that does not require a gradient (made by '${this.op}')`,
      );
    }
    let seed: NDArray;
    if (gradient === undefined) {
      if (this.size !== 1) {
        throw new ShapeError(
          'backward',
          `needs an output gradient for a non-scalar tensor of shape ${formatShape(this.shape)}`,
        );
      }
      seed = nd.ones(this.shape, this.dtype);
    } else {
      if (gradient.ndim !== this.ndim || gradient.shape.some((d, i) => d !== this.shape[i])) {
        throw new ShapeError(
          'backward',
          `output gradient ${formatShape(gradient.shape)} does not match tensor ${formatShape(this.shape)}`,
        );
      }
      seed = gradient;
    }
    // #region reverse-order
    const order = topologicalOrder(this);
    const grads = new Map<Tensor, NDArray>([[this, seed]]);
    for (let i = order.length - 1; i >= 0; i--) {
      const node = order[i]!;
      const dy = grads.get(node);
      if (!dy) continue;
      if (node.isLeaf || node.keepGrad) {
        node.grad = node.grad ? nd.add(node.grad, dy) : dy.dtype === node.dtype ? dy : dy.astype(node.dtype);
      }
      if (node.isLeaf) continue;
      grads.delete(node);
      node.inputs.forEach((input, k) => {
        if (input.version !== node.savedVersions[k]) {
          throw new ValueError(
            'backward',
            `an input of '${node.op}'${input.name ? ` (${input.name})` : ''} was changed in place after the op used it; its gradient would be wrong`,
          );
        }
      });
      const dxs = node.backwardFn!(dy);
      node.inputs.forEach((input, k) => {
        const dx = dxs[k];
        if (!dx || !input.requiresGrad) return;
        if (dx.ndim !== input.ndim || dx.shape.some((d, j) => d !== input.shape[j])) {
          throw new ShapeError(
            `backward of '${node.op}'`,
            `gradient ${formatShape(dx.shape)} for an input of shape ${formatShape(input.shape)}`,
          );
        }
        const prev = grads.get(input);
        grads.set(input, prev ? nd.add(prev, dx) : dx);
      });
      if (!options.retainGraph) node.free();
    }
    // #endregion reverse-order
  }

  /** Set once backward() has released this node's graph (PyTorch's "Trying to backward through the graph a second time"). */
  private freed = false;

  private free(): void {
    this.freed = true;
    this.inputs = [];
    this.backwardFn = null;
    this.savedVersions = [];
    this.requiresGrad = false;
  }

  /** @internal the recorded inputs, for graph walks. */
  parents(): readonly Tensor[] {
    return this.inputs;
  }

  /** The values and the op that produced them. */
  toString(): string {
    return `Tensor(${this.dtype}, ${formatShape(this.shape)}${this.requiresGrad ? ', requiresGrad' : ''})`;
  }
}

function topologicalOrder(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const seen = new Set<Tensor>();
  // Iterative depth-first search: deep networks must not overflow the call stack.
  const stack: [Tensor, number][] = [[root, 0]];
  seen.add(root);
  while (stack.length) {
    const top = stack[stack.length - 1]!;
    const [node, next] = top;
    const parents = node.parents();
    if (next < parents.length) {
      top[1]++;
      const p = parents[next]!;
      if (!seen.has(p) && p.requiresGrad) {
        seen.add(p);
        stack.push([p, 0]);
      }
    } else {
      order.push(node);
      stack.pop();
    }
  }
  return order;
}

/**
 * The one helper every op uses: wraps the forward result, and — only when an input requires a
 * gradient and grad mode is on — records the op's inputs and its backward closure.
 */
export function fromOp(op: string, inputs: Tensor[], out: NDArray, backward: BackwardFn): Tensor {
  const needsGrad = gradEnabled && inputs.some((t) => t.requiresGrad);
  return needsGrad ? new Tensor(out, true, op, inputs, backward) : new Tensor(out, false, op);
}

/** A leaf tensor from an NDArray, nested numbers or a typed array. */
export function variable(
  values: NDArray | nd.NestedArray,
  options: { requiresGrad?: boolean; dtype?: nd.DType; name?: string } = {},
): Tensor {
  const data =
    values instanceof nd.NDArray
      ? options.dtype
        ? values.astype(options.dtype)
        : values
      : nd.tensor(values, options.dtype);
  const t = new Tensor(data, options.requiresGrad ?? false);
  t.name = options.name;
  return t;
}

/** Accepts a Tensor or a plain number (a constant). */
export function asTensor(x: Tensor | number, like?: Tensor): Tensor {
  if (x instanceof Tensor) return x;
  return new Tensor(nd.full([], x, like ? like.dtype : 'float32'));
}
