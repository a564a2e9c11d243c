import type { Tensor } from '@nabla/autograd';
import { Module } from './module.js';

/** y = x: a placeholder, e.g. for a head removed in finetuning. */
export class Identity extends Module {
  constructor() {
    super('Identity');
  }
  forward(x: Tensor): Tensor {
    return x;
  }
}
