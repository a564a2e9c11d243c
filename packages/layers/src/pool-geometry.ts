import { formatShape, type Pair, ShapeError, ValueError } from '@nabla/tensor';

/** A pooling layer's window, resolved and checked once at construction. */
export interface PoolGeometry {
  kernelSize: [number, number];
  stride: [number, number];
  padding: [number, number];
  /** The output shape for an NCHW input, or a ShapeError naming the layer. */
  outputShape(label: string, inputShape: readonly number[]): number[];
  describe(): string;
}

function pairOf(
  layer: string,
  name: string,
  v: Pair | undefined,
  fallback: [number, number],
  min: number,
): [number, number] {
  const p: [number, number] = v === undefined ? fallback : typeof v === 'number' ? [v, v] : [v[0], v[1]];
  if (p.some((d) => !Number.isInteger(d) || d < min)) {
    throw new ValueError(layer, `${name} must be an integer >= ${min} or a pair of them, got ${String(v)}`);
  }
  return p;
}

/** Output size per axis: ⌊(H + 2p − k)/s⌋ + 1. Padding may be at most half the window (PyTorch's rule). */
export function poolGeometry(
  layer: string,
  kernel: Pair,
  stride: Pair | undefined,
  padding: Pair | undefined,
): PoolGeometry {
  const kernelSize = pairOf(layer, 'kernelSize', kernel, [1, 1], 1);
  const s = pairOf(layer, 'stride', stride, kernelSize, 1);
  const p = pairOf(layer, 'padding', padding, [0, 0], 0);
  if (2 * p[0] > kernelSize[0] || 2 * p[1] > kernelSize[1]) {
    throw new ValueError(
      layer,
      `padding ${p.join('×')} must be at most half the kernel ${kernelSize.join('×')}`,
    );
  }
  return {
    kernelSize,
    stride: s,
    padding: p,
    outputShape(label, inputShape) {
      const [n, c, h, w] = inputShape as [number, number, number, number];
      const out = [h, w].map((size, i) => Math.floor((size + 2 * p[i]! - kernelSize[i]!) / s[i]!) + 1);
      if (out[0]! < 1 || out[1]! < 1) {
        throw new ShapeError(
          label,
          `a ${kernelSize.join('×')} window (padding ${p.join('×')}) does not fit input ${formatShape(inputShape)}: the image is too small`,
        );
      }
      return [n, c, ...out];
    },
    describe() {
      return `${kernelSize.join('×')}, stride: ${s.join('×')}${p.some((v) => v) ? `, padding: ${p.join('×')}` : ''}`;
    },
  };
}
