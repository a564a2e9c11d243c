/** Example 1: `pnpm --filter @nabla/examples neuron` */
import { trainSeparableNeuron } from './neuron-example.js';

const started = Date.now();
const { result, accuracy } = trainSeparableNeuron();
const h = result.lossHistory;
console.log('One sigmoid neuron, quadratic loss, full-batch gradient descent until converged');
for (const i of [0, 1, 10, 100, 1000, h.length - 1].filter((i, k, a) => i < h.length && a.indexOf(i) === k)) {
  console.log(`  iteration ${String(i).padStart(5)}: loss ${h[i]!.toExponential(4)}`);
}
console.log(
  `stopped after ${result.iterations} iterations (${result.reason}); training accuracy ${(accuracy * 100).toFixed(1)}%; ${Date.now() - started} ms`,
);
