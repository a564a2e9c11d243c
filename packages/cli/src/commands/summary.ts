import { alexnet, lenet, mlp, type Network } from '@nabla/models';
import { UserError } from '../user-error.js';

export const SUMMARY_MODELS = ['lenet', 'alexnet', 'mlp'] as const;

/** `nabla summary lenet|alexnet|mlp`: the layer table (output sizes, learnables) and the total. */
export function summary(name: string): void {
  let net: Network;
  if (name === 'lenet') net = lenet();
  else if (name === 'alexnet') net = alexnet();
  else if (name === 'mlp') net = mlp([784, 128, 64, 10]);
  else throw new UserError(`unknown model '${name}': expected one of ${SUMMARY_MODELS.join(', ')}`);
  console.log(net.summary());
}
