import { noGrad, type Tensor } from '@nabla/autograd';
import { type FloatArray, formatShape, NDArray, ValueError } from '@nabla/tensor';

/**
 * What an optimizer updates: a leaf Tensor, optionally carrying Matlab's per-parameter factors
 * (`@nabla/layers`' Parameter has both; a plain Tensor counts as factor 1).
 */
export type OptimizableTensor = Tensor & {
  /** Multiplies the learning rate for this parameter (0 freezes it). */
  learnRateFactor?: number;
  /** Multiplies the L2 weight decay for this parameter. */
  l2Factor?: number;
};

/** A checkpoint of an optimizer: its counters and its per-parameter buffers (`3.momentum_buffer`, `0.exp_avg`). */
export interface OptimizerState {
  /** How many times step() has run. */
  step: number;
  /** The learning rate when the checkpoint was taken (a schedule may have changed it). */
  learningRate: number;
  /** Per-parameter state keyed `${parameterIndex}.${name}`, each shaped like its parameter (or a scalar). */
  buffers: Map<string, NDArray>;
}

/** One parameter's view for an update rule: its values and gradient as flat arrays, and its own rates. */
export interface ParameterUpdate {
  /** The parameter's position in the optimizer's list (the key prefix of its buffers). */
  index: number;
  /** The parameter's values, updated in place. */
  theta: FloatArray;
  /** The parameter's gradient, as a flat array. */
  grad: ArrayLike<number>;
  /** learningRate × learnRateFactor. */
  lr: number;
  /** weightDecay × l2Factor. */
  weightDecay: number;
}

/**
 * The base of every optimizer: a list of parameters, a learning rate a schedule may change, and
 * step(), which — without recording a graph — applies the update rule to every parameter that has
 * a gradient and is not frozen (requiresGrad false or learnRateFactor 0), in place over its buffer.
 */
export abstract class Optimizer {
  /** The parameters updated by step(), each once, in the order given. */
  readonly params: OptimizableTensor[];
  /** The current learning rate α (schedules change it between steps). */
  learningRate: number;
  /** The learning rate given at construction: schedules scale from it. */
  readonly initialLearningRate: number;
  /** Number of step() calls so far. */
  stepCount = 0;
  /** Per-parameter state (momentum, moment estimates) keyed `${parameterIndex}.${name}`. */
  protected readonly buffers = new Map<string, FloatArray>();

  constructor(
    /** The optimizer's name, used in error messages ('SGD', 'Adam', …). */
    readonly name: string,
    params: Iterable<OptimizableTensor>,
    learningRate: number,
  ) {
    this.params = [...new Set(params)];
    if (this.params.length === 0) throw new ValueError(name, 'got no parameters to optimize');
    checkNonNegative(name, 'lr', learningRate);
    this.learningRate = learningRate;
    this.initialLearningRate = learningRate;
    this.params.forEach((p, i) => {
      if (p.dtype === 'int32')
        throw new ValueError(
          name,
          `parameter ${i}${p.name ? ` (${p.name})` : ''} is int32; only float parameters can be optimized`,
        );
    });
  }

  /** Forgets every parameter's gradient (call before each backward: gradients accumulate). */
  zeroGrad(): void {
    for (const p of this.params) p.zeroGrad();
  }

  /** Applies one update to every trainable parameter that has a gradient. */
  step(): void {
    noGrad(() => {
      this.params.forEach((p, index) => {
        const factor = p.learnRateFactor ?? 1;
        if (!p.requiresGrad || factor === 0 || !p.grad) return;
        if (p.grad.size !== p.size) {
          throw new ValueError(
            this.name,
            `gradient ${formatShape(p.grad.shape)} does not fit parameter ${index} ${formatShape(p.shape)}`,
          );
        }
        // Update in place: make sure the parameter owns a plain row-major buffer first.
        if (!p.data.isContiguous() || p.data.offset !== 0 || p.data.data.length !== p.size)
          p.data = p.data.copy();
        this.update({
          index,
          theta: p.data.data as FloatArray,
          grad: p.grad.values(),
          lr: this.learningRate * factor,
          weightDecay: (p.l2Factor ?? 1) * this.weightDecayRate(),
        });
        p.markChanged();
      });
    });
    this.stepCount++;
  }

  /** The update rule for one parameter. */
  protected abstract update(u: ParameterUpdate): void;

  /** The optimizer's λ (0 when it has none). */
  protected weightDecayRate(): number {
    return 0;
  }

  /** A per-parameter buffer of zeros, made on first use with the parameter's dtype and size. */
  protected buffer(
    index: number,
    name: string,
  ): {
    /** The buffer, updated in place. */
    values: FloatArray;
    /** True when it was just made (the first step of an update rule that starts from the gradient). */
    fresh: boolean;
  } {
    const key = `${index}.${name}`;
    const existing = this.buffers.get(key);
    if (existing) return { values: existing, fresh: false };
    const p = this.params[index]!;
    const size = this.bufferSize(name, p);
    const values = p.dtype === 'float64' ? new Float64Array(size) : new Float32Array(size);
    this.buffers.set(key, values);
    return { values, fresh: true };
  }

  /** Copies of the counters and buffers: loading them into a fresh optimizer continues bit for bit. */
  stateDict(): OptimizerState {
    const buffers = new Map<string, NDArray>();
    for (const [key, values] of [...this.buffers].sort(([a], [b]) => compareKeys(a, b))) {
      const dot = key.indexOf('.');
      const p = this.params[Number(key.slice(0, dot))]!;
      const fullSize = this.bufferSize(key.slice(dot + 1), p) === p.size;
      buffers.set(key, new NDArray(values.slice(), fullSize ? p.shape : [values.length]));
    }
    return { step: this.stepCount, learningRate: this.learningRate, buffers };
  }

  /** Restores a state dict; refuses buffers for unknown parameters or of the wrong size, naming each. */
  loadStateDict(state: OptimizerState): void {
    const problems: string[] = [];
    const loaded = new Map<string, FloatArray>();
    for (const [key, value] of state.buffers) {
      const dot = key.indexOf('.');
      const index = Number(key.slice(0, dot));
      const p = Number.isInteger(index) && dot > 0 ? this.params[index] : undefined;
      if (!p) {
        problems.push(`buffer '${key}' names no parameter (this optimizer has ${this.params.length})`);
        continue;
      }
      const name = key.slice(dot + 1);
      const expected = this.bufferSize(name, p);
      if (value.size !== expected) {
        problems.push(
          `buffer '${key}' has ${value.size} values, parameter ${index} ${formatShape(p.shape)} needs ${expected}`,
        );
        continue;
      }
      const src = value.values();
      const out = p.dtype === 'float64' ? new Float64Array(src.length) : new Float32Array(src.length);
      out.set(src);
      loaded.set(key, out);
    }
    if (!(Number.isInteger(state.step) && state.step >= 0))
      problems.push(`step must be an integer >= 0, got ${state.step}`);
    if (!(state.learningRate >= 0)) problems.push(`learningRate must be >= 0, got ${state.learningRate}`);
    if (problems.length)
      throw new ValueError(
        `${this.name}.loadStateDict`,
        `the state does not fit:\n  ${problems.join('\n  ')}`,
      );
    this.buffers.clear();
    for (const [key, values] of loaded) this.buffers.set(key, values);
    this.stepCount = state.step;
    this.learningRate = state.learningRate;
  }

  /** How many values a named buffer holds for a parameter (the parameter's size unless overridden). */
  protected bufferSize(_name: string, p: OptimizableTensor): number {
    return p.size;
  }
}

function compareKeys(a: string, b: string): number {
  const ia = Number(a.slice(0, a.indexOf('.')));
  const ib = Number(b.slice(0, b.indexOf('.')));
  return ia !== ib ? ia - ib : a < b ? -1 : a > b ? 1 : 0;
}

/** Refuses a hyperparameter that is negative, NaN or infinite. */
export function checkNonNegative(optimizer: string, name: string, v: number): number {
  if (!(v >= 0 && Number.isFinite(v)))
    throw new ValueError(optimizer, `${name} must be a finite number >= 0, got ${v}`);
  return v;
}
