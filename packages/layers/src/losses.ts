import {
  binaryCrossEntropy,
  binaryCrossEntropyWithLogits,
  crossEntropy,
  mseLoss,
  quadraticLoss,
  type Tensor,
} from '@nabla/autograd';
import { formatShape, type NDArray, ShapeError } from '@nabla/tensor';

/** How per-example losses are combined: averaged, summed, or returned one per example. */
export type Reduction = 'mean' | 'sum' | 'none';

/** Class labels (int32 indices) or a target tensor of the prediction's shape. */
export type LossTarget = Tensor | NDArray | Int32Array;

/** A loss J(ŷ, y): call `forward(prediction, target)` and `backward()` the scalar it returns. */
export interface Loss {
  /** The loss's class name, for summaries and errors. */
  readonly typeName: string;
  /**
   * The loss of a prediction against its target: a scalar to call backward() on (unless reduction is 'none').
   */
  forward(prediction: Tensor, target: LossTarget): Tensor;
}

function asTarget(loss: string, prediction: Tensor, target: LossTarget): Tensor | NDArray {
  if (target instanceof Int32Array) {
    throw new ShapeError(
      loss,
      `needs a target tensor of shape ${formatShape(prediction.shape)}, got an Int32Array of labels`,
    );
  }
  return target;
}

/**
 * The course's quadratic loss, per example J = ½‖y − ŷ‖², averaged over the batch by default
 * (its gradient, ŷ − y, is the δ the course's neuron starts from).
 */
export class QuadraticLoss implements Loss {
  /** 'QuadraticLoss'. */
  readonly typeName = 'QuadraticLoss';
  /** How per-example losses combine (default 'mean'). */
  constructor(
    /** How the per-example (or per-element) losses combine. */
    readonly options: {
      /** 'mean' (default), 'sum', or 'none' (every loss). */
      reduction?: Reduction;
    } = {},
  ) {}
  /** ½‖y − ŷ‖² per example, reduced. */
  forward(prediction: Tensor, target: LossTarget): Tensor {
    return quadraticLoss(prediction, asTarget(this.typeName, prediction, target), {
      reduction: this.options.reduction ?? 'mean',
    });
  }
}

/** Mean squared error, (1/n) Σ (y − ŷ)² over every element (PyTorch's MSELoss). */
export class MSELoss implements Loss {
  /** 'MSELoss'. */
  readonly typeName = 'MSELoss';
  /** How per-element losses combine (default 'mean'). */
  constructor(
    /** How the per-example (or per-element) losses combine. */
    readonly options: {
      /** 'mean' (default), 'sum', or 'none' (every loss). */
      reduction?: Reduction;
    } = {},
  ) {}
  /** (y − ŷ)² per element, reduced. */
  forward(prediction: Tensor, target: LossTarget): Tensor {
    return mseLoss(prediction, asTarget(this.typeName, prediction, target), {
      reduction: this.options.reduction ?? 'mean',
    });
  }
}

/**
 * Cross-entropy from logits, J = −Σ_k y_k log softmax(z)_k (with integer labels, −log softmax(z)_label):
 * PyTorch's CrossEntropyLoss, and Matlab's softmaxLayer + classificationLayer in one stable step.
 */
export class CrossEntropyLoss implements Loss {
  /** 'CrossEntropyLoss'. */
  readonly typeName = 'CrossEntropyLoss';
  /** How per-example losses combine (default 'mean'). */
  constructor(
    /** How the per-example (or per-element) losses combine. */
    readonly options: {
      /** 'mean' (default), 'sum', or 'none' (every loss). */
      reduction?: Reduction;
    } = {},
  ) {}
  /** −log softmax(z)_y per example (labels as int32 indices, or one-hot / soft targets), reduced. */
  forward(logits: Tensor, target: LossTarget): Tensor {
    return crossEntropy(logits, target, { reduction: this.options.reduction ?? 'mean' });
  }
}

/** Binary cross-entropy on probabilities, J = −[y log p + (1 − y) log(1 − p)]. */
export class BCELoss implements Loss {
  /** 'BCELoss'. */
  readonly typeName = 'BCELoss';
  /** How per-element losses combine (default 'mean'). */
  constructor(
    /** How the per-example (or per-element) losses combine. */
    readonly options: {
      /** 'mean' (default), 'sum', or 'none' (every loss). */
      reduction?: Reduction;
    } = {},
  ) {}
  /** −[y log p + (1 − y) log(1 − p)] per element, reduced. */
  forward(probabilities: Tensor, target: LossTarget): Tensor {
    return binaryCrossEntropy(probabilities, asTarget(this.typeName, probabilities, target), {
      reduction: this.options.reduction ?? 'mean',
    });
  }
}

/** Binary cross-entropy on logits, stable: J = max(z, 0) − z·y + log(1 + e^{−|z|}). */
export class BCEWithLogitsLoss implements Loss {
  /** 'BCEWithLogitsLoss'. */
  readonly typeName = 'BCEWithLogitsLoss';
  /** How per-element losses combine (default 'mean'). */
  constructor(
    /** How the per-example (or per-element) losses combine. */
    readonly options: {
      /** 'mean' (default), 'sum', or 'none' (every loss). */
      reduction?: Reduction;
    } = {},
  ) {}
  /** Binary cross-entropy of sigmoid(z), computed stably from the logits, reduced. */
  forward(logits: Tensor, target: LossTarget): Tensor {
    return binaryCrossEntropyWithLogits(logits, asTarget(this.typeName, logits, target), {
      reduction: this.options.reduction ?? 'mean',
    });
  }
}
