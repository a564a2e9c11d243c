/** Example 2: `pnpm --filter @nabla/examples xor` */
import { xorHiddenLayer, xorNeuron } from './xor-example.js';

console.log(
  `XOR with one neuron:        accuracy ${(xorNeuron().accuracy * 100).toFixed(0)}% (a line cannot separate XOR)`,
);
const h = xorHiddenLayer();
console.log(
  `XOR with one hidden layer:  accuracy ${(h.accuracy * 100).toFixed(0)}%, loss ${h.loss.toExponential(2)}`,
);
