import { conv2d, fusedConv2d, NDArray, Random, tensor } from '@nabla/tensor';

/**
 * The cs231n convolution demo's geometry: an input volume 5×5×3 (W1 = H1 = 5, D1 = 3), K = 2 filters
 * of F = 3 (each 3×3×3) with biases b0 = 1, b1 = 0, stride S = 2 and padding P = 1, so the output is
 * (5 − 3 + 2·1)/2 + 1 = 3 → a 3×3×2 volume. The demo draws inputs in {0, 1, 2} and weights in
 * {−1, 0, 1}. Volumes here are channel-first ([channel][row][col]), as Nabla's NCHW.
 */
export const CS231N = { stride: 2, padding: 1, bias: [1, 0] as const };

/** Input 3×5×5, filters 2×3×3×3, biases [b0, b1]. */
export interface ConvVolumeProblem {
  input: number[][][];
  filters: number[][][][];
  bias: readonly number[];
}

/** The output volume [2][3][3] by Nabla's fusedConv2d: conv2d plus the per-filter bias. */
export function convVolume({ input, filters, bias }: ConvVolumeProblem): number[][][] {
  const y = fusedConv2d(
    tensor([input], 'float64'),
    tensor(filters, 'float64'),
    { stride: CS231N.stride, padding: CS231N.padding },
    { shift: tensor([...bias], 'float64') },
  );
  return (y.toArray() as number[][][][])[0]!;
}

/**
 * The cs231n notes' explicit sum, for checking: pad the input with zeros, then
 * V[o][i][j] = Σ_c Σ_u Σ_v X_pad[c][S·i + u][S·j + v] · W_o[c][u][v] + b_o.
 */
export function explicitVolume({ input, filters, bias }: ConvVolumeProblem): number[][][] {
  const p = CS231N.padding;
  const s = CS231N.stride;
  const size = input[0]!.length;
  const padded = input.map((plane) =>
    Array.from({ length: size + 2 * p }, (_, r) =>
      Array.from({ length: size + 2 * p }, (_, q) => plane[r - p]?.[q - p] ?? 0),
    ),
  );
  const outSize = (size - 3 + 2 * p) / s + 1;
  return filters.map((w, o) =>
    Array.from({ length: outSize }, (_, i) =>
      Array.from({ length: outSize }, (_, j) => {
        let sum = bias[o]!;
        for (let c = 0; c < w.length; c++)
          for (let u = 0; u < 3; u++)
            for (let v = 0; v < 3; v++) sum += padded[c]![s * i + u]![s * j + v]! * w[c]![u]![v]!;
        return sum;
      }),
    ),
  );
}

/** A random problem with the demo's value ranges: inputs in {0, 1, 2}, weights in {−1, 0, 1}. */
export function drawProblem(g: Random, bias: readonly number[] = CS231N.bias): ConvVolumeProblem {
  const grid = (n: number, draw: () => number) =>
    Array.from({ length: n }, () => Array.from({ length: n }, draw));
  return {
    input: Array.from({ length: 3 }, () => grid(5, () => g.int(3))),
    filters: Array.from({ length: 2 }, () => Array.from({ length: 3 }, () => grid(3, () => g.int(3) - 1))),
    bias,
  };
}

export interface SearchResult extends ConvVolumeProblem {
  /** The output the found input and filters give (equal to the target when `found`). */
  output: number[][][];
  found: boolean;
  /** Hill-climbing restarts and conv2d evaluations it took. */
  restarts: number;
  evaluations: number;
}

/**
 * Finds an input in {0, 1, 2}^(3×5×5) and two filters in {−1, 0, 1}^(3×3×3) that, with biases
 * b0 = 1 and b1 = 0, give `target` exactly. A seeded hill climb on all 129 integers at once: start
 * from a random draw; each step changes one input value or one weight to another value of its
 * range, and keeps the change when the distance Σ|V − target| (V computed by Nabla's conv2d) does
 * not grow (equal moves are kept, so it can walk along plateaus); after `stepsPerRestart` steps
 * without reaching 0 it restarts from a fresh draw.
 */
export function searchVolume(
  target: number[][][],
  options: { seed?: number; stepsPerRestart?: number; maxRestarts?: number } = {},
): SearchResult {
  const g = new Random(options.seed ?? 0);
  const stepsPerRestart = options.stepsPerRestart ?? 20_000;
  const maxRestarts = options.maxRestarts ?? 50;
  const flatTarget = target.flat(2);
  const bias = CS231N.bias;
  let evaluations = 0;
  // x: 75 input values in {0, 1, 2}; w: 54 weights in {−1, 0, 1}; both as Nabla arrays changed in place.
  const x = new NDArray(new Float64Array(75), [1, 3, 5, 5]);
  const w = new NDArray(new Float64Array(54), [2, 3, 3, 3]);
  const distance = (): number => {
    evaluations++;
    const y = conv2d(x, w, { stride: CS231N.stride, padding: CS231N.padding }).data;
    let d = 0;
    for (let k = 0; k < 18; k++) d += Math.abs(y[k]! + bias[k < 9 ? 0 : 1]! - flatTarget[k]!);
    return d;
  };
  let restarts = 0;
  let d = Number.POSITIVE_INFINITY;
  while (restarts < maxRestarts && d > 0) {
    restarts++;
    for (let k = 0; k < 75; k++) x.data[k] = g.int(3);
    for (let k = 0; k < 54; k++) w.data[k] = g.int(3) - 1;
    d = distance();
    for (let step = 0; step < stepsPerRestart && d > 0; step++) {
      const k = g.int(129);
      const [values, index, low] = k < 75 ? [x.data, k, 0] : [w.data, k - 75, -1];
      const old = values[index]!;
      values[index] = ((old - low + 1 + g.int(2)) % 3) + low; // one of the two other values of its range
      const next = distance();
      if (next <= d) d = next;
      else values[index] = old;
    }
  }
  const nested = (data: Float64Array, shape: number[]) =>
    new NDArray(Float64Array.from(data), shape).toArray();
  const problem: ConvVolumeProblem = {
    input: nested(x.data as Float64Array, [3, 5, 5]) as number[][][],
    filters: nested(w.data as Float64Array, [2, 3, 3, 3]) as number[][][][],
    bias,
  };
  const output = convVolume(problem);
  return {
    ...problem,
    output,
    found: JSON.stringify(output) === JSON.stringify(target),
    restarts,
    evaluations,
  };
}

/** The most |V − b| a cell can reach: 2 (largest input) × 1 (largest |weight|) × the input pixels it reads. */
export function cellBounds(): number[][] {
  const ones = {
    input: [0, 1, 2].map(() => Array.from({ length: 5 }, () => Array(5).fill(2))),
    filters: [[0, 1, 2].map(() => Array.from({ length: 3 }, () => Array(3).fill(1)))],
    bias: [0],
  };
  return explicitVolume(ones)[0]!;
}

/**
 * One recorded page load of the cs231n demo (it draws new numbers on every load), as written down in
 * the public repository charlesarichter/study_algorithms, file neural_networks/conv.cpp. It is NOT
 * the course's slide (whose numbers we do not have); it is used to check that Nabla's convention
 * (cross-correlation, zero padding, stride) reproduces what the demo computes, and as a real target.
 * Channel-first: [channel][row][col] of the 5×5 input (the padding removed).
 */
export const RECORDED_DEMO: ConvVolumeProblem & { output: number[][][]; source: string } = {
  source: 'https://github.com/charlesarichter/study_algorithms/blob/master/neural_networks/conv.cpp',
  input: [
    [
      [2, 2, 2, 2, 0],
      [1, 2, 1, 1, 1],
      [2, 1, 1, 1, 2],
      [2, 0, 2, 2, 0],
      [2, 0, 2, 0, 2],
    ],
    [
      [1, 1, 0, 2, 2],
      [2, 1, 1, 0, 0],
      [0, 0, 1, 1, 0],
      [2, 0, 0, 0, 0],
      [1, 0, 0, 2, 0],
    ],
    [
      [0, 2, 0, 1, 2],
      [2, 1, 1, 2, 1],
      [0, 2, 1, 0, 2],
      [2, 2, 2, 1, 0],
      [2, 2, 2, 2, 0],
    ],
  ],
  filters: [
    [
      [
        [0, -1, -1],
        [-1, 0, 0],
        [-1, -1, 0],
      ],
      [
        [-1, 0, -1],
        [0, 1, -1],
        [-1, -1, 0],
      ],
      [
        [0, 0, -1],
        [1, 0, 0],
        [-1, 1, 1],
      ],
    ],
    [
      [
        [1, 1, 0],
        [0, -1, 1],
        [-1, -1, 0],
      ],
      [
        [0, 1, -1],
        [0, -1, -1],
        [1, 0, 0],
      ],
      [
        [0, -1, -1],
        [1, 1, 1],
        [-1, 0, 1],
      ],
    ],
  ],
  bias: [1, 0],
  output: [
    [
      [1, -4, -1],
      [-4, -4, -4],
      [-2, -4, 3],
    ],
    [
      [0, 0, -3],
      [0, -1, -2],
      [1, 1, 2],
    ],
  ],
};

/** The seed of the hidden draw whose output the demo's search is shown on (the search never sees its input or filters). */
export const HIDDEN_SEED = 231;

export function hiddenTarget(seed = HIDDEN_SEED): number[][][] {
  return convVolume(drawProblem(new Random(seed)));
}
