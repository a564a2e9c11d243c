import { defaultGenerator, type Random, ValueError } from '@nabla/tensor';
import { indicesByClass } from './split-each-label.js';

/** One fold of a cross-validation, as indices. */
export interface Fold {
  /** The indices to train on. */
  train: Int32Array;
  /** The indices to test on. */
  test: Int32Array;
}

/**
 * Stratified k-fold cross-validation (like scikit-learn's StratifiedKFold with shuffle): each
 * class's indices are shuffled with the generator and dealt to the folds in turn, the dealing
 * carrying on from one class to the next, so every fold holds each class within one sample of its
 * share and the fold sizes differ by at most one. Each index is in exactly one test part; the train
 * part of a fold is everything else. Both are sorted ascending.
 */
export function stratifiedKFold(labels: Int32Array, k: number, options: { generator?: Random } = {}): Fold[] {
  const op = 'stratifiedKFold';
  if (!Number.isInteger(k) || k < 2) throw new ValueError(op, `k must be an integer >= 2, got ${k}`);
  if (labels.length < k) throw new ValueError(op, `needs at least k = ${k} samples, got ${labels.length}`);
  const generator = options.generator ?? defaultGenerator;
  const foldOf = new Int32Array(labels.length);
  let next = 0;
  for (const idx of indicesByClass(labels, op)) {
    generator.shuffle(idx);
    for (const i of idx) foldOf[i] = next++ % k;
  }
  const folds: Fold[] = [];
  for (let f = 0; f < k; f++) {
    const train: number[] = [];
    const test: number[] = [];
    for (let i = 0; i < labels.length; i++) (foldOf[i] === f ? test : train).push(i);
    folds.push({ train: Int32Array.from(train), test: Int32Array.from(test) });
  }
  return folds;
}
