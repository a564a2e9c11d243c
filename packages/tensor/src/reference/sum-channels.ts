import type { ChannelGeometry, FloatArray } from '../backend.js';

/**
 * A sum over every axis but one run of them, seen as [N, C, plane]:
 *
 *   out[c] = Σ_n Σ_k x[n, c, k]
 *
 * The gradient of a bias broadcast over the batch and the pixels (course (convolution): db[o] = Σ_{n,i,j}
 * dy[n,o,i,j]; a linear layer's is the case plane = 1). One float64 sum per channel.
 */
export function sumChannelsReference(x: FloatArray, g: ChannelGeometry, out: Float64Array): void {
  for (let c = 0; c < g.channels; c++) {
    let sum = 0;
    for (let n = 0; n < g.batch; n++)
      for (let k = 0; k < g.plane; k++) sum += x[(n * g.channels + c) * g.plane + k]!;
    out[c] = sum;
  }
}
