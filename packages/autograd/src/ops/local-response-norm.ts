import * as nd from '@nabla/tensor';
import { type FloatArray, formatShape, ShapeError, ValueError } from '@nabla/tensor';
import { fromOp, type Tensor } from '../tensor.js';

/** Options of {@link localResponseNorm} (AlexNet's cross-channel normalization). */
export interface LocalResponseNormOptions {
  /** Channels in each window (centred on the channel; for an even size the extra one is before it, as PyTorch). */
  size?: number;
  /**
   * How many of the window's channels come before the channel (the rest, size − 1 − before, come
   * after). Default ⌊size/2⌋, PyTorch's LocalResponseNorm; Matlab's crossChannelNormalizationLayer
   * takes ⌊(size − 1)/2⌋ — the two differ only for even sizes.
   */
  channelsBefore?: number;
  /** α, the scale of the sum of squares (default 1e-4). */
  alpha?: number;
  /** β, the exponent (default 0.75). */
  beta?: number;
  /** k, the additive constant (default 2). */
  k?: number;
}

// #region local-response-norm
/**
 * Cross-channel local response normalization (AlexNet §3.3; Caffe's LRN, PyTorch's LocalResponseNorm,
 * Matlab's crossChannelNormalizationLayer):
 *   s_c = k + (α/size) Σ_{c′ ∈ window(c)} a_{c′}²,   b_c = a_c · s_c^−β,
 * with window(c) = c − before … c + after, clipped to the channels that exist: before = ⌊size/2⌋ and
 * after = ⌊(size − 1)/2⌋ by default (PyTorch), or the other way round for even sizes (Matlab).
 * Backward: ∂L/∂a_j = dy_j s_j^−β − (2αβ/size) a_j Σ_{c : j ∈ window(c)} dy_c a_c s_c^(−β−1).
 */
export function localResponseNorm(x: Tensor, options: LocalResponseNormOptions = {}): Tensor {
  const { size = 5, alpha = 1e-4, beta = 0.75, k = 2 } = options;
  if (x.ndim !== 4)
    throw new ShapeError('localResponseNorm', `input must be [N, C, H, W], got ${formatShape(x.shape)}`);
  if (!Number.isInteger(size) || size < 1)
    throw new ValueError('localResponseNorm', `size must be an integer >= 1, got ${size}`);
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const hw = h * w;
  const before = options.channelsBefore ?? Math.floor(size / 2);
  if (!Number.isInteger(before) || before < 0 || before > size - 1)
    throw new ValueError(
      'localResponseNorm',
      `channelsBefore must be an integer in [0, ${size - 1}], got ${before}`,
    );
  const after = size - 1 - before;
  const X = x.data.astype(nd.floatType(x.dtype)).values() as FloatArray;
  const s = new Float64Array(X.length);
  const y = nd.allocate(nd.floatType(x.dtype), X.length) as FloatArray;
  for (let i = 0; i < n; i++) {
    for (let p = 0; p < hw; p++) {
      const at = (ch: number) => (i * c + ch) * hw + p;
      for (let ch = 0; ch < c; ch++) {
        let sq = 0;
        for (let q = Math.max(0, ch - before); q <= Math.min(c - 1, ch + after); q++) sq += X[at(q)]! ** 2;
        s[at(ch)] = k + (alpha / size) * sq;
        y[at(ch)] = X[at(ch)]! * s[at(ch)]! ** -beta;
      }
    }
  }
  return fromOp('localResponseNorm', [x], new nd.NDArray(y, x.shape), (dyArray) => {
    const dy = dyArray.astype(nd.floatType(x.dtype)).values();
    const dx = nd.allocate(nd.floatType(x.dtype), X.length) as FloatArray;
    const t = new Float64Array(c);
    for (let i = 0; i < n; i++) {
      for (let p = 0; p < hw; p++) {
        const at = (ch: number) => (i * c + ch) * hw + p;
        for (let ch = 0; ch < c; ch++) t[ch] = dy[at(ch)]! * X[at(ch)]! * s[at(ch)]! ** (-beta - 1);
        for (let j = 0; j < c; j++) {
          // j lies in window(ch) exactly when ch runs from j − after to j + before.
          let acc = 0;
          for (let ch = Math.max(0, j - after); ch <= Math.min(c - 1, j + before); ch++) acc += t[ch]!;
          dx[at(j)] = dy[at(j)]! * s[at(j)]! ** -beta - ((2 * alpha * beta) / size) * X[at(j)]! * acc;
        }
      }
    }
    return [new nd.NDArray(dx, x.shape)];
  });
}
// #endregion local-response-norm
