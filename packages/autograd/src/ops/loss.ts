import * as nd from '@nabla/tensor';
import { formatShape, NDArray, ShapeError, ValueError } from '@nabla/tensor';
import { fromOp, Tensor } from '../tensor.js';
import { checkSameShape } from './operand.js';

/** How a loss combines the per-example losses: their mean, their sum, or all of them. */
export type Reduction = 'mean' | 'sum' | 'none';

/** Options shared by the losses. */
export interface LossOptions {
  /** 'mean' (the default) averages the per-example losses, 'sum' adds them, 'none' returns them all. */
  reduction?: Reduction;
}

/** Class labels (int32 [N]) or target probabilities ([N, C], a Tensor when they need a gradient too). */
export type CrossEntropyTarget = Int32Array | NDArray | Tensor;

// #region cross-entropy
/**
 * Course: softmax output and cross-entropy cost, fused. For logits z [N, C] and targets t (one-hot
 * rows for labels): L = −Σ_c t_c log softmax(z)_c, so ∂L/∂z_j = softmax(z)_j · Σ_c t_c − t_j
 * (divided by N for the mean). For labels or probability rows Σ_c t_c = 1 and this is the famous
 * softmax(z) − t; raw targets (rows not summing to 1, as PyTorch accepts) need the Σt factor.
 * ∂L/∂t_c = −log softmax(z)_c. Fused, it never forms log 0 or e^big.
 */
export function crossEntropy(logits: Tensor, target: CrossEntropyTarget, options: LossOptions = {}): Tensor {
  const reduction = checkReduction('crossEntropy', options.reduction);
  if (logits.ndim !== 2)
    throw new ShapeError('crossEntropy', `logits must be [N, C], got ${formatShape(logits.shape)}`);
  const [n, c] = logits.shape as [number, number];
  if (ArrayBuffer.isView(target) && !(target instanceof Int32Array))
    throw new ValueError(
      'crossEntropy',
      `labels must be an Int32Array of class indices, got a ${(target as ArrayBufferView).constructor.name}: use Int32Array.from(labels), ` +
        'or pass probability targets as an NDArray or Tensor [N, C]',
    );
  const logp = nd.logSoftmax(logits.data, -1);
  const isLabels = target instanceof Int32Array || (target instanceof NDArray && target.ndim === 1);
  const probs = isLabels ? null : target instanceof Tensor ? target : new Tensor(target as NDArray);
  const t = probs ? probs.data : oneHot(checkLabels(target as Int32Array | NDArray, n, c), c, logp.dtype);
  if (probs) checkSameShape('crossEntropy (logits vs target probabilities)', logits.data, t);
  const perExample = nd.neg(nd.sum(nd.mul(t, logp), 1));
  const { out, scale } = reduce(perExample, reduction);
  const inputs = probs ? [logits, probs] : [logits];
  return fromOp('crossEntropy', inputs, out, (dy) => {
    const s = perRow(scale(dy), n);
    // Labels are one-hot rows (Σt = 1): skip the row sums there.
    const p = nd.exp(logp);
    const dz = nd.sub(probs ? nd.mul(p, nd.sum(t, 1, true)) : p, t);
    return [nd.mul(dz, s), probs ? nd.neg(nd.mul(logp, s)) : null];
  });
}
// #endregion cross-entropy

// #region quadratic-loss
/**
 * Course: the quadratic cost of one example, J = ½‖y − ŷ‖², summed over the non-batch axes of the
 * prediction ŷ (axis 0 is the batch) and averaged over the batch for 'mean'. ∂J/∂ŷ = −(y − ŷ) = ŷ − y:
 * the first factor of the delta rule's δ(nl) = −(y − a(nl)) ∘ f′(z(nl)).
 */
export function quadraticLoss(
  prediction: Tensor,
  target: Tensor | NDArray,
  options: LossOptions = {},
): Tensor {
  const reduction = checkReduction('quadraticLoss', options.reduction);
  const y = asConstant(target);
  checkSameShape('quadraticLoss', prediction, y);
  const batch = prediction.ndim === 0 ? 1 : prediction.shape[0]!;
  const diff = nd.sub(prediction.data, y.data).reshape([batch, -1]);
  const perExample = nd.mul(nd.sum(nd.square(diff), 1), 0.5);
  const { out, scale } = reduce(perExample, reduction);
  return fromOp('quadraticLoss', [prediction, y], out, (dy) => {
    const d = nd.mul(diff, perRow(scale(dy), batch)).reshape(prediction.shape);
    return [d, nd.neg(d)];
  });
}
// #endregion quadratic-loss

/** Mean squared error, mean of (y − ŷ)² over every element (PyTorch's MSELoss); ∂/∂ŷ = 2(ŷ − y)/n. */
export function mseLoss(prediction: Tensor, target: Tensor | NDArray, options: LossOptions = {}): Tensor {
  const reduction = checkReduction('mseLoss', options.reduction);
  const y = asConstant(target);
  checkSameShape('mseLoss', prediction, y);
  const diff = nd.sub(prediction.data, y.data);
  const { out, scale } = reduce(nd.square(diff), reduction);
  return fromOp('mseLoss', [prediction, y], out, (dy) => {
    const d = nd.mul(nd.mul(diff, 2), scale(dy));
    return [d, nd.neg(d)];
  });
}

// #region binary-cross-entropy
/**
 * Binary cross-entropy of probabilities p against targets t: ℓ = −(t log p + (1 − t) log(1 − p)),
 * each log clamped at −100 as PyTorch does. ∂ℓ/∂p = (p − t) / (p(1 − p)), ∂ℓ/∂t = log(1 − p) − log p.
 */
export function binaryCrossEntropy(
  probabilities: Tensor,
  target: Tensor | NDArray,
  options: LossOptions = {},
): Tensor {
  const reduction = checkReduction('binaryCrossEntropy', options.reduction);
  const t = asConstant(target);
  checkSameShape('binaryCrossEntropy', probabilities, t);
  const p = probabilities.data;
  const logP = nd.maximum(nd.log(p), -100);
  const log1mP = nd.maximum(nd.log(nd.sub(1, p)), -100);
  const loss = nd.neg(nd.add(nd.mul(t.data, logP), nd.mul(nd.sub(1, t.data), log1mP)));
  const { out, scale } = reduce(loss, reduction);
  return fromOp('binaryCrossEntropy', [probabilities, t], out, (dy) => {
    const s = scale(dy);
    const dp = nd.div(nd.sub(p, t.data), nd.maximum(nd.mul(p, nd.sub(1, p)), 1e-12));
    return [nd.mul(dp, s), nd.mul(nd.sub(log1mP, logP), s)];
  });
}
// #endregion binary-cross-entropy

// #region bce-with-logits
/**
 * Binary cross-entropy on logits z, with p = σ(z) fused in: ℓ = max(z, 0) − z·t + log(1 + e^−|z|),
 * which never overflows. ∂ℓ/∂z = σ(z) − t, ∂ℓ/∂t = −z.
 */
export function binaryCrossEntropyWithLogits(
  logits: Tensor,
  target: Tensor | NDArray,
  options: LossOptions = {},
): Tensor {
  const reduction = checkReduction('binaryCrossEntropyWithLogits', options.reduction);
  const t = asConstant(target);
  checkSameShape('binaryCrossEntropyWithLogits', logits, t);
  const z = logits.data;
  const softplus = nd.unary(z, (v) => Math.log1p(Math.exp(-Math.abs(v))));
  const loss = nd.add(nd.sub(nd.relu(z), nd.mul(z, t.data)), softplus);
  const { out, scale } = reduce(loss, reduction);
  return fromOp('binaryCrossEntropyWithLogits', [logits, t], out, (dy) => {
    const s = scale(dy);
    return [nd.mul(nd.sub(nd.sigmoid(z), t.data), s), nd.mul(nd.neg(z), s)];
  });
}
// #endregion bce-with-logits

function checkReduction(op: string, reduction: Reduction | undefined): Reduction {
  const r = reduction ?? 'mean';
  if (r !== 'mean' && r !== 'sum' && r !== 'none') {
    throw new ValueError(op, `reduction must be 'mean', 'sum' or 'none', got '${String(reduction)}'`);
  }
  return r;
}

/**
 * Applies the reduction to per-element losses and returns, for the backward pass, the factor each
 * element's gradient is multiplied by: dy/n for 'mean', dy for 'sum', dy elementwise for 'none'.
 */
function reduce(
  losses: NDArray,
  reduction: Reduction,
): { out: NDArray; scale: (dy: NDArray) => NDArray | number } {
  if (reduction === 'none') return { out: losses, scale: (dy) => dy };
  if (reduction === 'sum') return { out: nd.sum(losses), scale: (dy) => dy.item() };
  const n = losses.size;
  return { out: nd.mean(losses), scale: (dy) => dy.item() / n };
}

/** A per-example factor ([N] or a number) shaped to broadcast over rows [N, …]. */
function perRow(s: NDArray | number, n: number): NDArray | number {
  return typeof s === 'number' ? s : s.reshape([n, 1]);
}

function asConstant(target: Tensor | NDArray): Tensor {
  return target instanceof Tensor ? target : new Tensor(target);
}

/** Reads labels as integers, refusing a wrong length or a label outside [0, C) by name. */
function checkLabels(
  target: Int32Array | NDArray,
  n: number,
  c: number,
): Int32Array | Float32Array | Float64Array {
  const labels = target instanceof NDArray ? target.values() : target;
  if (labels.length !== n) {
    throw new ShapeError('crossEntropy', `needs ${n} labels for logits [${n},${c}], got ${labels.length}`);
  }
  for (let i = 0; i < n; i++) {
    const label = labels[i]!;
    if (!Number.isInteger(label) || label < 0 || label >= c) {
      throw new ValueError(
        'crossEntropy',
        `label ${label} at index ${i} is out of range [0, ${c}) for ${c} classes`,
      );
    }
  }
  return labels;
}

function oneHot(labels: ArrayLike<number>, c: number, dtype: nd.DType): NDArray {
  const out = nd.zeros([labels.length, c], dtype);
  for (let i = 0; i < labels.length; i++) out.data[i * c + labels[i]!] = 1;
  return out;
}
