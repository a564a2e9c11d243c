import * as nd from '@nabla/tensor';
import { type NDArray, ValueError } from '@nabla/tensor';
import type { Network } from './network.js';

/**
 * Matlab's classify(net, X): the predicted class of each example (the largest softmax score) and
 * the scores themselves [N, classes]. Runs in eval mode (BN running statistics, no dropout).
 */
export function classify(
  net: Network,
  x: NDArray,
  options: { batchSize?: number } = {},
): {
  /** The predicted class of each example (the index of its largest score). */
  labels: Int32Array;
  /** The class probabilities, [N, classes]. */
  scores: NDArray;
} {
  if (net.outputKind !== 'classification')
    throw new ValueError('classify', 'the network has no classification output layer');
  const scores = net.predict(x, options);
  return { labels: nd.argmax(scores, -1).data as Int32Array, scores };
}
