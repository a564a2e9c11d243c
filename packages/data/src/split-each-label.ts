import { defaultGenerator, type Random, ValueError } from '@nabla/tensor';
import { checkLabels } from './labels.js';

/** Options of {@link splitEachLabel}. */
export interface SplitEachLabelOptions {
  /** The seeded generator of the per-class shuffles (default: the shared `defaultGenerator`). */
  generator?: Random;
  /**
   * How n_c · fraction is rounded when it ends in .5: 'half-even' (Python's round, what the
   * PyTorch reference lenet_pytorch.py uses, the default) or 'half-away' (Matlab's round).
   */
  rounding?: 'half-even' | 'half-away';
}

/** The two parts of a split, as indices into the labels. */
export interface Split {
  /** The indices of the first part (the given fraction or count of each class). */
  first: Int32Array;
  /** The indices of the rest. */
  second: Int32Array;
}

/**
 * A stratified split like Matlab's splitEachLabel: for each class c (in label order), that class's
 * indices are shuffled with the generator, and the first k_c go to `first`, the rest to `second`.
 * `fractionOrCount` in (0, 1) gives k_c = round(n_c · fraction); an integer >= 1 gives k_c = that
 * count for every class (refused if a class has fewer). Indices come out class by class, each
 * class in its shuffled order, as in the reference; both parts together hold every index once.
 */
export function splitEachLabel(
  labels: Int32Array,
  fractionOrCount: number,
  options: SplitEachLabelOptions = {},
): Split {
  const op = 'splitEachLabel';
  if (labels.length === 0) throw new ValueError(op, 'no labels to split');
  const isFraction = fractionOrCount > 0 && fractionOrCount < 1;
  if (!isFraction && !(Number.isInteger(fractionOrCount) && fractionOrCount >= 1)) {
    throw new ValueError(
      op,
      `expected a fraction in (0, 1) or an integer count >= 1, got ${fractionOrCount}`,
    );
  }
  const rounding = options.rounding ?? 'half-even';
  if (rounding !== 'half-even' && rounding !== 'half-away') {
    throw new ValueError(op, `rounding must be 'half-even' or 'half-away', got '${rounding}'`);
  }
  const generator = options.generator ?? defaultGenerator;
  const byClass = indicesByClass(labels, op);
  const first: number[] = [];
  const second: number[] = [];
  byClass.forEach((idx, c) => {
    if (idx.length === 0) return;
    generator.shuffle(idx);
    const k = isFraction ? roundHalf(idx.length * fractionOrCount, rounding) : fractionOrCount;
    if (k > idx.length)
      throw new ValueError(op, `class ${c} has ${idx.length} samples, fewer than the ${k} asked for`);
    for (let i = 0; i < idx.length; i++) (i < k ? first : second).push(idx[i]!);
  });
  return { first: Int32Array.from(first), second: Int32Array.from(second) };
}

/** The indices of each class 0 … max label, in ascending order. */
export function indicesByClass(labels: Int32Array, op: string): Int32Array[] {
  const numClasses = checkLabels(labels, op);
  const counts = new Int32Array(numClasses);
  for (let i = 0; i < labels.length; i++) counts[labels[i]!]!++;
  const out = Array.from(counts, (n) => new Int32Array(n));
  const fill = new Int32Array(numClasses);
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i]!;
    out[c]![fill[c]!++] = i;
  }
  return out;
}

function roundHalf(x: number, rounding: 'half-even' | 'half-away'): number {
  const lower = Math.floor(x);
  if (x - lower !== 0.5) return Math.round(x);
  return rounding === 'half-away' || lower % 2 === 1 ? lower + 1 : lower;
}
