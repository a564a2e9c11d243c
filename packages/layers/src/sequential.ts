import type { Tensor } from '@nabla/autograd';
import { ValueError } from '@nabla/tensor';
import { fusedConvBlock } from './fused-inference.js';
import { Module } from './module.js';

/** A layer with its name, for `new Sequential(['conv1', conv], ['relu1', relu])`. */
export type NamedEntry = readonly [string, Module];

/**
 * Layers applied one after another, y = f_n(… f_2(f_1(x))). Children are named '0', '1', … like
 * PyTorch's nn.Sequential, or by the names given: `new Sequential({ conv1, relu1 })` or named entries.
 */
export class Sequential extends Module {
  constructor(...layers: (Module | NamedEntry)[] | [Record<string, Module>]) {
    super('Sequential');
    const first = layers[0];
    if (
      layers.length === 1 &&
      typeof first === 'object' &&
      first !== null &&
      Object.getPrototypeOf(first) === Object.prototype
    ) {
      for (const [name, m] of Object.entries(first as Record<string, Module>)) this.registerModule(name, m);
      return;
    }
    (layers as (Module | NamedEntry)[]).forEach((entry, i) => {
      if (entry instanceof Module) this.registerModule(String(i), entry);
      else if (Array.isArray(entry) && entry.length === 2 && entry[1] instanceof Module)
        this.registerModule(entry[0], entry[1]);
      else throw new ValueError('Sequential', `entry ${i} is neither a Module nor a [name, Module] pair`);
    });
  }

  /** Adds a layer at the end (named by its index unless a name is given). */
  append(module: Module, name?: string): this {
    this.registerModule(name ?? String(this.length), module);
    return this;
  }

  /** The number of layers. */
  get length(): number {
    return this.children().length;
  }

  /** The i-th layer (negative counts from the end). */
  at(index: number): Module {
    const list = this.children();
    const m = list[index < 0 ? index + list.length : index];
    if (!m) throw new ValueError(this.label, `has no layer ${index} (it has ${list.length})`);
    return m;
  }

  /** The layers in order. */
  [Symbol.iterator](): Iterator<Module> {
    return this.children()[Symbol.iterator]();
  }

  /**
   * y = f_n(… f_1(x)). In evaluation mode without a graph, conv → batch norm → ReLU runs fused
   * (see fused-inference.ts); everything else, and all of training, runs layer by layer.
   */
  forward(x: Tensor): Tensor {
    const layers = this.children();
    for (let i = 0; i < layers.length; ) {
      const fused = this.training ? null : fusedConvBlock(layers, i, x);
      if (fused) {
        x = fused.y;
        i += fused.consumed;
      } else x = layers[i++]!.forward(x);
    }
    return x;
  }
}
