import type { ChannelEpilogue, FloatArray } from '../backend.js';

/**
 * The ReLU op's rule on one float64 value, max(0, v): −0 becomes +0 and a NaN passes through
 * (as in PyTorch) instead of being hidden as 0. Every fused epilogue applies it through here.
 */
export function reluValue(v: number): number {
  return v > 0 || Number.isNaN(v) ? v : 0;
}

/**
 * The epilogue as a pass of its own over a finished NCHW output, for backends that cannot fuse it
 * into their store (gpu.js): the same arithmetic as the fused store, on the rounded outputs.
 */
export function applyChannelEpilogue(
  out: FloatArray,
  batch: number,
  channels: number,
  plane: number,
  e: ChannelEpilogue,
): void {
  const { scale, shift, relu } = e;
  for (let n = 0, at = 0; n < batch; n++) {
    for (let o = 0; o < channels; o++) {
      const k = scale ? scale[o]! : 1;
      const t = shift ? shift[o]! : 0;
      for (const end = at + plane; at < end; at++) {
        const v = out[at]! * k + t;
        out[at] = relu ? reluValue(v) : v;
      }
    }
  }
}
