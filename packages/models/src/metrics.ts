import { type NDArray, ShapeError, ValueError } from '@nabla/tensor';

function sameLength(op: string, a: ArrayLike<number>, b: ArrayLike<number>): void {
  if (a.length !== b.length) throw new ShapeError(op, `${a.length} predictions but ${b.length} labels`);
  if (a.length === 0) throw new ValueError(op, 'needs at least one example');
}

/** Fraction of predictions equal to the labels: mean(YPred == YTest). */
export function accuracy(predicted: ArrayLike<number>, labels: ArrayLike<number>): number {
  sameLength('accuracy', predicted, labels);
  let correct = 0;
  for (let i = 0; i < labels.length; i++) if (predicted[i] === labels[i]) correct++;
  return correct / labels.length;
}

/**
 * The k classes with the highest scores for each example, best first: the course's "top-5"
 * answers. Ties go to the lower class index, as argmax (and so classify) breaks them.
 */
export function topK(scores: NDArray, k: number): Int32Array[] {
  const [n, classes] = checkScores('topK', scores, k);
  const v = scores.contiguous().values();
  const out: Int32Array[] = [];
  for (let i = 0; i < n; i++) {
    const row = Array.from({ length: classes }, (_, c) => c);
    row.sort((a, b) => v[i * classes + b]! - v[i * classes + a]! || a - b);
    out.push(Int32Array.from(row.slice(0, k)));
  }
  return out;
}

/**
 * Top-k accuracy: the fraction of examples whose true class is among the k highest scores — the
 * measure ImageNet results quote as top-5 (error = 1 − top-5 accuracy). For k = 1 it is accuracy
 * of classify's labels. A class is in the top k when fewer than k classes outrank it, counting a
 * tied class of lower index as outranking (argmax's rule), so ties never inflate the figure.
 */
export function topKAccuracy(scores: NDArray, labels: ArrayLike<number>, k: number): number {
  const [n, classes] = checkScores('topKAccuracy', scores, k);
  if (labels.length !== n)
    throw new ShapeError('topKAccuracy', `${n} score rows but ${labels.length} labels`);
  const v = scores.contiguous().values();
  let hits = 0;
  for (let i = 0; i < n; i++) {
    const t = labels[i]!;
    if (!(Number.isInteger(t) && t >= 0 && t < classes))
      throw new ValueError('topKAccuracy', `label ${t} at example ${i} is outside [0, ${classes - 1}]`);
    const s = v[i * classes + t]!;
    let above = 0;
    for (let c = 0; c < classes; c++) {
      const x = v[i * classes + c]!;
      if (x > s || (x === s && c < t)) above++;
    }
    if (above < k) hits++;
  }
  return hits / n;
}

function checkScores(op: string, scores: NDArray, k: number): [number, number] {
  if (scores.ndim !== 2)
    throw new ShapeError(op, `scores must be [N, classes], got [${scores.shape.join(',')}]`);
  const [n, classes] = scores.shape as [number, number];
  if (n === 0) throw new ValueError(op, 'needs at least one example');
  if (!Number.isInteger(k) || k < 1 || k > classes)
    throw new ValueError(op, `k must be an integer in [1, ${classes}], got ${k}`);
  return [n, classes];
}

/** counts[true][predicted]: rows are the true classes, columns the predicted ones. */
export function confusionMatrix(
  predicted: ArrayLike<number>,
  labels: ArrayLike<number>,
  numClasses: number,
): number[][] {
  sameLength('confusionMatrix', predicted, labels);
  const m = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  for (let i = 0; i < labels.length; i++) {
    const t = labels[i]!;
    const p = predicted[i]!;
    if (!(t >= 0 && t < numClasses && p >= 0 && p < numClasses)) {
      throw new ValueError(
        'confusionMatrix',
        `class ${t < 0 || t >= numClasses ? t : p} at example ${i} is outside [0, ${numClasses - 1}]`,
      );
    }
    m[t]![p]!++;
  }
  return m;
}

/**
 * Area under the ROC curve for scores of the positive class (label 1): the probability that a
 * random positive scores above a random negative (ties count half), by the rank-sum statistic.
 */
export function rocAuc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  sameLength('rocAuc', scores, labels);
  const order = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  const ranks = new Float64Array(scores.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && scores[order[j + 1]!] === scores[order[i]!]) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) ranks[order[k]!] = rank;
    i = j + 1;
  }
  let positives = 0;
  let rankSum = 0;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] === 1) {
      positives++;
      rankSum += ranks[i]!;
    }
  }
  const negatives = labels.length - positives;
  if (positives === 0 || negatives === 0)
    throw new ValueError('rocAuc', 'needs both positive and negative examples');
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** Total cost of decisions under a cost matrix cost[true][predicted]. */
export function totalCost(
  predicted: ArrayLike<number>,
  labels: ArrayLike<number>,
  cost: readonly (readonly number[])[],
): number {
  sameLength('totalCost', predicted, labels);
  let total = 0;
  for (let i = 0; i < labels.length; i++) {
    const row = cost[labels[i]!];
    const c = row?.[predicted[i]!];
    if (c === undefined)
      throw new ValueError('totalCost', `no cost for true class ${labels[i]} predicted ${predicted[i]}`);
    total += c;
  }
  return total;
}

/** A mean and a sample standard deviation. */
export interface MeanAndStd {
  /** The mean. */
  mean: number;
  /** The sample standard deviation (divisor n − 1; 0 for one value). */
  std: number;
}

/** The mean and the sample standard deviation (divisor n − 1; 0 for one value). */
export function meanAndStd(values: readonly number[]): MeanAndStd {
  if (values.length === 0) throw new ValueError('meanAndStd', 'needs at least one value');
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance =
    values.length > 1 ? values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1) : 0;
  return { mean, std: Math.sqrt(variance) };
}
