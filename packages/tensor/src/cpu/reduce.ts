import type { ChannelGeometry, FloatArray } from '../backend.js';

/**
 * sumChannels (reference/sum-channels.ts) in memory order: one pass over the buffer, each plane's
 * run summed into a local before it joins its channel's total, so the loop streams instead of
 * striding by C·plane for every term.
 */
export function sumChannelsCpu(x: FloatArray, g: ChannelGeometry, out: Float64Array): void {
  out.fill(0);
  for (let n = 0, at = 0; n < g.batch; n++) {
    for (let c = 0; c < g.channels; c++) {
      let s = 0;
      for (const end = at + g.plane; at < end; at++) s += x[at]!;
      out[c]! += s;
    }
  }
}
