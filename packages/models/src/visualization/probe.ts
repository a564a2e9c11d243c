import type { Tensor } from '@nabla/autograd';
import type { Module } from '@nabla/layers';
import type { Network } from '../network.js';

/** Thrown inside the forward pass once every wanted output is in hand, to skip the layers after. */
class EnoughOutputs extends Error {}

/**
 * One forward pass through the network that keeps the outputs of the modules at `paths` (null:
 * the scores). Each target module's `forward` is wrapped for the call only — as the layers'
 * summary() does — so any body works, Sequential or not. With `stopEarly`, the pass ends as soon
 * as the last wanted output exists (maximizing a conv1 channel of AlexNet need not run fc6–fc8);
 * the captured tensors keep their graph, so gradients still flow from them to the input.
 */
export function forwardCapture(
  net: Network,
  x: Tensor,
  paths: readonly (string | null)[],
  options: { stopEarly?: boolean } = {},
): Map<string | null, Tensor> {
  const wanted = new Set(paths);
  const out = new Map<string | null, Tensor>();
  const wrapped: { m: Module; own: boolean; original: Module['forward'] }[] = [];
  const needsScores = wanted.has(null);
  try {
    for (const path of wanted) {
      if (path === null) continue;
      const m = net.body.getSubmodule(path);
      const original = m.forward;
      wrapped.push({ m, own: Object.hasOwn(m, 'forward'), original });
      m.forward = (input: Tensor): Tensor => {
        const y = original.call(m, input);
        out.set(path, y);
        if (options.stopEarly && !needsScores && out.size === wanted.size) throw new EnoughOutputs();
        return y;
      };
    }
    try {
      const scores = net.forward(x);
      if (needsScores) out.set(null, scores);
    } catch (e) {
      if (!(e instanceof EnoughOutputs)) throw e;
    }
  } finally {
    for (const { m, own, original } of wrapped) {
      if (own) m.forward = original;
      else delete (m as { forward?: unknown }).forward;
    }
  }
  return out;
}
