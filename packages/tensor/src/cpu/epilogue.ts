/**
 * The ReLU op's rule on one float64 value, max(0, v): −0 becomes +0 and a NaN passes through
 * (as in PyTorch) instead of being hidden as 0. The cpu's fused stores apply it through here.
 */
export function reluValue(v: number): number {
  return v > 0 || Number.isNaN(v) ? v : 0;
}
