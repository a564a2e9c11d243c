import type { Tensor } from '@nabla/autograd';
import { formatShape, type NDArray, ShapeError, ValueError } from '@nabla/tensor';
import { Parameter } from './parameter.js';
import { type SummaryOptions, type SummaryResult, summary } from './summary.js';

/** Parameters and buffers by PyTorch-style dotted name, in PyTorch's state_dict order. */
export type StateDict = Map<string, NDArray>;

export interface LoadStateDictOptions {
  /** Refuse missing and unexpected keys (default true). Mis-shaped tensors are refused either way. */
  strict?: boolean;
}

export interface LoadStateDictResult {
  missingKeys: string[];
  unexpectedKeys: string[];
}

/** Which of a module's parameters a factor applies to, by their local name. */
export type ParameterSelector = 'all' | 'weight' | 'bias' | ((localName: string, p: Parameter) => boolean);

/**
 * The base of every layer and network, after PyTorch's nn.Module: a `forward`, and registered
 * parameters (learnable), buffers (state that is saved but not learned, like BatchNorm's running
 * statistics) and children. Names join with dots (`features.3.weight`), so state dicts travel to
 * and from PyTorch unchanged. Each module knows its own dotted path once it is registered, so its
 * errors can say which layer refused an input.
 */
export abstract class Module {
  /** Training mode (dropout drops, BatchNorm uses batch statistics) or evaluation mode. */
  training = true;
  /** The layer type shown in errors and summaries (defaults to the class name). */
  readonly typeName: string;
  private readonly ownParameters = new Map<string, Parameter | null>();
  private readonly ownBuffers = new Map<string, { value: NDArray; persistent: boolean }>();
  private readonly ownChildren = new Map<string, Module>();
  private path = '';

  constructor(typeName?: string) {
    this.typeName = typeName ?? this.constructor.name;
  }

  /** The layer's computation; call it directly: `y = layer.forward(x)`. */
  abstract forward(x: Tensor): Tensor;

  /** The dotted path of this module in the network it was registered in ('' for the root). */
  get fullName(): string {
    return this.path;
  }

  /** How errors name this layer: `Conv2d 'features.3'`, or just `Conv2d` at the root. */
  get label(): string {
    return this.path ? `${this.typeName} '${this.path}'` : this.typeName;
  }

  // ---- registration -------------------------------------------------------------------------

  /** Registers a parameter (or an absent one, e.g. a disabled bias) under a local name. */
  protected registerParameter<P extends Parameter | null>(name: string, p: P): P {
    this.checkNewName(name, 'parameter');
    if (p !== null && !(p instanceof Parameter)) {
      throw new ValueError(this.label, `parameter '${name}' must be a Parameter`);
    }
    this.ownParameters.set(name, p);
    if (p) p.name = this.join(name);
    return p;
  }

  /** Registers a buffer: state saved in the state dict but not learned (non-persistent ones are not saved). */
  protected registerBuffer(name: string, value: NDArray, options: { persistent?: boolean } = {}): NDArray {
    this.checkNewName(name, 'buffer');
    this.ownBuffers.set(name, { value, persistent: options.persistent ?? true });
    return value;
  }

  /** Registers a child module under a local name; its parameters become `name.…`. */
  registerModule<M extends Module>(name: string, child: M): M {
    this.checkNewName(name, 'child');
    this.attach(name, child);
    return child;
  }

  private checkNewName(name: string, what: string): void {
    if (name === '' || name.includes('.')) {
      throw new ValueError(this.label, `${what} name must be non-empty and contain no '.', got '${name}'`);
    }
    if (this.ownParameters.has(name) || this.ownBuffers.has(name) || this.ownChildren.has(name)) {
      throw new ValueError(this.label, `'${name}' is already registered`);
    }
  }

  private attach(name: string, child: Module): void {
    if (!(child instanceof Module)) throw new ValueError(this.label, `child '${name}' must be a Module`);
    this.ownChildren.set(name, child);
    child.setPath(this.join(name));
  }

  private join(name: string): string {
    return this.path ? `${this.path}.${name}` : name;
  }

  private setPath(path: string): void {
    this.path = path;
    for (const [name, p] of this.ownParameters) if (p) p.name = this.join(name);
    for (const [name, child] of this.ownChildren) child.setPath(this.join(name));
  }

  /** If a subclass keeps the old value in an own property of the same name, point it at the new one. */
  private syncProperty(name: string, old: unknown, value: unknown): void {
    const self = this as unknown as Record<string, unknown>;
    if (Object.hasOwn(this, name) && self[name] === old) self[name] = value;
  }

  // ---- access ---------------------------------------------------------------------------------

  /** A parameter of this module by local name (throws when it is absent). */
  param(name: string): Parameter {
    const p = this.ownParameters.get(name);
    if (!p) throw new ValueError(this.label, `has no parameter '${name}'`);
    return p;
  }

  /** A parameter of this module by local name, or null (a disabled bias). */
  optionalParam(name: string): Parameter | null {
    if (!this.ownParameters.has(name)) throw new ValueError(this.label, `has no parameter '${name}'`);
    return this.ownParameters.get(name) ?? null;
  }

  /** Replaces a registered parameter (e.g. to share or re-create a weight). */
  setParameter(name: string, p: Parameter | null): void {
    if (!this.ownParameters.has(name)) throw new ValueError(this.label, `has no parameter '${name}'`);
    const old = this.ownParameters.get(name);
    this.ownParameters.set(name, p);
    if (p) p.name = this.join(name);
    this.syncProperty(name, old, p);
  }

  /** A buffer of this module by local name. */
  buffer(name: string): NDArray {
    const b = this.ownBuffers.get(name);
    if (!b) throw new ValueError(this.label, `has no buffer '${name}'`);
    return b.value;
  }

  /** Replaces a buffer's value (loading state, changing dtype). */
  setBuffer(name: string, value: NDArray): void {
    const b = this.ownBuffers.get(name);
    if (!b) throw new ValueError(this.label, `has no buffer '${name}'`);
    const old = b.value;
    b.value = value;
    this.syncProperty(name, old, value);
  }

  /** The direct children, in registration order. */
  children(): Module[] {
    return [...this.ownChildren.values()];
  }

  namedChildren(): [string, Module][] {
    return [...this.ownChildren.entries()];
  }

  /** This module and every descendant, pre-order, with dotted names ('' for this one). */
  namedModules(prefix = ''): [string, Module][] {
    const out: [string, Module][] = [[prefix, this]];
    for (const [name, child] of this.ownChildren) {
      out.push(...child.namedModules(prefix ? `${prefix}.${name}` : name));
    }
    return out;
  }

  modules(): Module[] {
    return this.namedModules().map(([, m]) => m);
  }

  /** A descendant by dotted path (`features.3`); '' is this module. */
  getSubmodule(path: string): Module {
    if (path === '') return this;
    let m: Module = this;
    for (const part of path.split('.')) {
      const next = m.ownChildren.get(part);
      if (!next) throw new ValueError(this.label, `has no submodule '${path}' (no '${part}' in ${m.label})`);
      m = next;
    }
    return m;
  }

  /**
   * Puts `module` at a dotted path, replacing the child there or adding a new one (the parent must
   * exist). Finetuning: `net.setChild('classifier.6', new Linear(4096, 5))`.
   */
  setChild(path: string, module: Module): void {
    const cut = path.lastIndexOf('.');
    const parent = cut < 0 ? this : this.getSubmodule(path.slice(0, cut));
    const name = path.slice(cut + 1);
    const old = parent.ownChildren.get(name);
    if (old === undefined) {
      parent.registerModule(name, module);
      return;
    }
    parent.attach(name, module);
    parent.syncProperty(name, old, module);
    if (old !== module) old.setPath('');
  }

  /** Replaces an existing layer (Matlab's replaceLayer); returns the one taken out. */
  replaceLayer(path: string, module: Module): Module {
    const old = this.getSubmodule(path);
    if (old === this) throw new ValueError(this.label, 'replaceLayer needs the path of a descendant');
    this.setChild(path, module);
    return old;
  }

  /** Every parameter, each once, in state-dict order. */
  parameters(recurse = true): Parameter[] {
    return this.namedParameters('', recurse).map(([, p]) => p);
  }

  /** Parameters with PyTorch-style dotted names (`0.weight`, `features.3.bias`); shared ones once. */
  namedParameters(prefix = '', recurse = true): [string, Parameter][] {
    const seen = new Set<Parameter>();
    const out: [string, Parameter][] = [];
    const modules: [string, Module][] = recurse ? this.namedModules(prefix) : [[prefix, this]];
    for (const [path, m] of modules) {
      for (const [name, p] of m.ownParameters) {
        if (!p || seen.has(p)) continue;
        seen.add(p);
        out.push([path ? `${path}.${name}` : name, p]);
      }
    }
    return out;
  }

  /** Buffers (persistent and not) with dotted names. */
  namedBuffers(prefix = '', recurse = true): [string, NDArray][] {
    const out: [string, NDArray][] = [];
    const modules: [string, Module][] = recurse ? this.namedModules(prefix) : [[prefix, this]];
    for (const [path, m] of modules) {
      for (const [name, b] of m.ownBuffers) out.push([path ? `${path}.${name}` : name, b.value]);
    }
    return out;
  }

  buffers(recurse = true): NDArray[] {
    return this.namedBuffers('', recurse).map(([, b]) => b);
  }

  /** The number of learnable values (Matlab's "Total learnables"); `trainableOnly` skips frozen ones. */
  numParameters(options: { trainableOnly?: boolean } = {}): number {
    let n = 0;
    for (const p of this.parameters()) if (!options.trainableOnly || !p.frozen) n += p.size;
    return n;
  }

  // ---- modes and bulk changes -----------------------------------------------------------------

  /** Sets training mode on this module and every descendant. */
  train(mode = true): this {
    for (const m of this.modules()) m.training = mode;
    return this;
  }

  /** Evaluation mode: dropout passes values through, BatchNorm uses its running statistics. */
  eval(): this {
    return this.train(false);
  }

  /** Forgets every parameter's accumulated gradient. */
  zeroGrad(): void {
    for (const p of this.parameters()) p.zeroGrad();
  }

  /** Calls `fn` on every descendant and then on this module (PyTorch's order); for custom init. */
  apply(fn: (m: Module) => void): this {
    for (const child of this.ownChildren.values()) child.apply(fn);
    fn(this);
    return this;
  }

  /** Converts every parameter and floating-point buffer to a dtype (float64 for gradient checks). */
  to(dtype: 'float32' | 'float64'): this {
    for (const m of this.modules()) {
      for (const p of m.ownParameters.values()) {
        if (!p || p.dtype === dtype) continue;
        p.data = p.data.astype(dtype);
        p.grad = null;
        p.markChanged();
      }
      for (const [name, b] of m.ownBuffers) {
        if (b.value.dtype !== 'int32' && b.value.dtype !== dtype) m.setBuffer(name, b.value.astype(dtype));
      }
    }
    return this;
  }

  /** Freezes (false) or unfreezes (true) every parameter of this module and its descendants. */
  setRequiresGrad(requiresGrad: boolean): this {
    for (const p of this.parameters()) p.requiresGrad = requiresGrad;
    return this;
  }

  /** Matlab's WeightLearnRateFactor / BiasLearnRateFactor for this module and its descendants. */
  setLearnRateFactor(factor: number, which: ParameterSelector = 'all'): this {
    this.eachSelected(which, (p) => {
      p.learnRateFactor = factor;
    });
    return this;
  }

  /** Matlab's WeightL2Factor / BiasL2Factor for this module and its descendants. */
  setL2Factor(factor: number, which: ParameterSelector = 'all'): this {
    this.eachSelected(which, (p) => {
      p.l2Factor = factor;
    });
    return this;
  }

  private eachSelected(which: ParameterSelector, fn: (p: Parameter) => void): void {
    for (const m of this.modules()) {
      for (const [name, p] of m.ownParameters) {
        if (!p) continue;
        const hit = which === 'all' || (typeof which === 'function' ? which(name, p) : which === name);
        if (hit) fn(p);
      }
    }
  }

  // ---- state dicts ----------------------------------------------------------------------------

  /**
   * Copies of the parameters and persistent buffers by dotted name, in PyTorch's state_dict order:
   * for each module (pre-order) its parameters, then its buffers. BatchNorm gives weight, bias,
   * running_mean, running_var, num_batches_tracked (an int32 scalar). With `copy: false` the values
   * are the live arrays (no extra memory, e.g. to write a large model straight to a file); they
   * change as the model trains.
   */
  stateDict(options: { copy?: boolean } = {}): StateDict {
    const take = options.copy === false ? (v: NDArray) => v : (v: NDArray) => v.copy();
    const out: StateDict = new Map();
    for (const [path, m] of this.namedModules()) {
      const key = (name: string) => (path ? `${path}.${name}` : name);
      for (const [name, p] of m.ownParameters) if (p) out.set(key(name), take(p.data));
      for (const [name, b] of m.ownBuffers) if (b.persistent) out.set(key(name), take(b.value));
    }
    return out;
  }

  /**
   * Loads a state dict (values are copied and cast to each tensor's dtype). On any mismatch it
   * refuses with ONE error listing every missing key, every unexpected key and every mis-shaped
   * tensor (expected vs actual shape), and loads nothing. With `strict: false` missing and
   * unexpected keys are only reported in the result; mis-shaped tensors are still refused.
   */
  loadStateDict(
    state: StateDict | Record<string, NDArray>,
    options: LoadStateDictOptions = {},
  ): LoadStateDictResult {
    const strict = options.strict ?? true;
    const given = state instanceof Map ? state : new Map(Object.entries(state));
    const targets: { key: string; shape: readonly number[]; write: (v: NDArray) => void }[] = [];
    for (const [path, m] of this.namedModules()) {
      const key = (name: string) => (path ? `${path}.${name}` : name);
      for (const [name, p] of m.ownParameters) {
        if (!p) continue;
        targets.push({ key: key(name), shape: p.shape, write: (v) => p.assign(ownedCopy(v, p.dtype)) });
      }
      for (const [name, b] of m.ownBuffers) {
        if (!b.persistent) continue;
        targets.push({
          key: key(name),
          shape: b.value.shape,
          write: (v) => m.setBuffer(name, ownedCopy(v, b.value.dtype)),
        });
      }
    }
    const expectedKeys = new Set(targets.map((t) => t.key));
    const missingKeys = targets.filter((t) => !given.has(t.key)).map((t) => t.key);
    const unexpectedKeys = [...given.keys()].filter((k) => !expectedKeys.has(k));
    const misShaped: string[] = [];
    for (const t of targets) {
      const v = given.get(t.key);
      if (v && !sameShape(v.shape, t.shape)) {
        misShaped.push(
          `mis-shaped '${t.key}': model expects ${formatShape(t.shape)}, got ${formatShape(v.shape)}`,
        );
      }
    }
    const problems = [
      ...(strict ? missingKeys.map((k) => `missing key '${k}'`) : []),
      ...(strict ? unexpectedKeys.map((k) => `unexpected key '${k}'`) : []),
      ...misShaped,
    ];
    if (problems.length > 0) {
      const counts = [
        strict && missingKeys.length ? `${missingKeys.length} missing` : '',
        strict && unexpectedKeys.length ? `${unexpectedKeys.length} unexpected` : '',
        misShaped.length ? `${misShaped.length} mis-shaped` : '',
      ].filter(Boolean);
      throw new ValueError(
        `${this.label}.loadStateDict`,
        // Ten problems at most, then a count: a file with 200,000 stray tensors gives one short message.
        `the state dict does not match the model (${counts.join(', ')}):\n  ${problems.slice(0, 10).join('\n  ')}` +
          (problems.length > 10 ? `\n  … and ${problems.length - 10} more` : ''),
      );
    }
    for (const t of targets) {
      const v = given.get(t.key);
      if (v) t.write(v);
    }
    return { missingKeys, unexpectedKeys };
  }

  // ---- reporting ------------------------------------------------------------------------------

  /**
   * Runs one forward pass (no graph, evaluation mode, training flags restored) on zeros of
   * `inputShape` (batch axis included, e.g. [1, 1, 28, 28]) and tabulates each layer's output shape
   * and learnables, like Keras's model.summary() or Matlab's analyzeNetwork.
   */
  summary(inputShape: readonly number[], options: SummaryOptions = {}): SummaryResult {
    return summary(this, inputShape, options);
  }

  /** Own (non-recursive) parameters, for summaries. */
  ownParameterList(): Parameter[] {
    return [...this.ownParameters.values()].filter((p): p is Parameter => p !== null);
  }

  // ---- input checks shared by the layers ------------------------------------------------------

  /** Refuses an input whose rank is not one of `ranks`, naming this layer and the expected layout. */
  protected checkRank(x: Tensor, ranks: readonly number[], layout: string): void {
    if (!ranks.includes(x.ndim)) {
      throw new ShapeError(
        this.label,
        `expected a ${layout} input (rank ${ranks.join(' or ')}), got ${formatShape(x.shape)}`,
      );
    }
    if (x.dtype === 'int32')
      throw new ValueError(
        this.label,
        `expected a float32 or float64 input, got int32 ${formatShape(x.shape)}`,
      );
  }

  toString(): string {
    const lines = this.namedChildren().map(
      ([name, child]) => `  (${name}): ${child.toString().replace(/\n/g, '\n  ')}`,
    );
    return lines.length
      ? `${this.typeName}(\n${lines.join('\n')}\n)`
      : `${this.typeName}(${this.extraRepr()})`;
  }

  /** The constructor arguments shown by toString (override in layers). */
  protected extraRepr(): string {
    return '';
  }
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function ownedCopy(v: NDArray, dtype: NDArray['dtype']): NDArray {
  return v.dtype === dtype ? v.copy() : v.astype(dtype);
}
