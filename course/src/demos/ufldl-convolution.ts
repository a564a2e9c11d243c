import { conv2d, tensor } from '@nabla/tensor';

/**
 * UFLDL's worked example of a convolved feature: a 5×5 binary image, a 3×3 filter, a 3×3 output
 * ("valid" convolution, stride 1). Each output cell is the sum of the 9 products of the filter with
 * the 3×3 patch under it, y[i, j] = Σ_u Σ_v w[u, v] · x[i + u, j + v] — Nabla's conv2d computes it
 * (a cross-correlation: this filter is symmetric, so flipping it would change nothing).
 */
export const UFLDL_IMAGE = [
  [1, 1, 1, 0, 0],
  [0, 1, 1, 1, 0],
  [0, 0, 1, 1, 1],
  [0, 0, 1, 1, 0],
  [0, 1, 1, 0, 0],
];
export const UFLDL_FILTER = [
  [1, 0, 1],
  [0, 1, 0],
  [1, 0, 1],
];

/** One output cell and the sum it is: the products x·w it adds, in reading order. */
export interface ConvolvedCell {
  row: number;
  col: number;
  /** The products [x[i+u][j+v], w[u][v]] for u, v = 0…2, row by row. */
  terms: [number, number][];
  /** What Nabla's conv2d computed for this cell. */
  value: number;
}

export interface UfldlConvolution {
  image: number[][];
  filter: number[][];
  /** conv2d's 3×3 output. */
  output: number[][];
  cells: ConvolvedCell[];
}

export function ufldlConvolution(image = UFLDL_IMAGE, filter = UFLDL_FILTER): UfldlConvolution {
  const x = tensor([[image]], 'float64');
  const w = tensor([[filter]], 'float64');
  const y = conv2d(x, w); // [1, 1, 3, 3]
  const [, , outHeight, outWidth] = y.shape as [number, number, number, number];
  const output: number[][] = [];
  const cells: ConvolvedCell[] = [];
  for (let i = 0; i < outHeight; i++) {
    output.push([]);
    for (let j = 0; j < outWidth; j++) {
      const value = y.get(0, 0, i, j);
      output[i]!.push(value);
      const terms: [number, number][] = [];
      for (let u = 0; u < filter.length; u++) {
        for (let v = 0; v < filter[0]!.length; v++) terms.push([image[i + u]![j + v]!, filter[u]![v]!]);
      }
      cells.push({ row: i, col: j, terms, value });
    }
  }
  return { image, filter, output, cells };
}

/** A cell written as the sum it is: "1·1 + 1·0 + … = 4". */
export function formatSum(cell: ConvolvedCell): string {
  return `${cell.terms.map(([x, w]) => `${x}·${w}`).join(' + ')} = ${cell.value}`;
}

/** Evaluates a string written by formatSum, left of the '=' (so the test checks what is shown). */
export function evaluateShownSum(shown: string): number {
  const [lhs] = shown.split(' = ');
  return lhs!
    .split(' + ')
    .map((term) => term.split('·').map(Number))
    .reduce((sum, [x, w]) => sum + x! * w!, 0);
}
