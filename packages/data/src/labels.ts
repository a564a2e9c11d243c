import { ValueError } from '@nabla/tensor';

/**
 * Checks class labels: integers in [0, numClasses) (or just >= 0 when numClasses is not given).
 * Returns the number of classes seen (the largest label + 1). `source` names the loader or file.
 */
export function checkLabels(labels: ArrayLike<number>, source: string, numClasses?: number): number {
  if (numClasses !== undefined && (!Number.isInteger(numClasses) || numClasses < 1)) {
    throw new ValueError(source, `numClasses must be an integer >= 1, got ${numClasses}`);
  }
  let max = -1;
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i]!;
    if (!Number.isInteger(y) || y < 0 || (numClasses !== undefined && y >= numClasses)) {
      const range = numClasses === undefined ? 'an integer >= 0' : `an integer in [0, ${numClasses - 1}]`;
      throw new ValueError(source, `label ${i} is ${y}, expected ${range}`);
    }
    if (y > max) max = y;
  }
  return max + 1;
}
