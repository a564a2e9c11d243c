import { crossEntropy, noGrad, quadraticLoss, Tensor } from '@nabla/autograd';
import { BatchNorm1d, BatchNorm2d } from '@nabla/layers';
import { Adam, type Optimizer, SGD } from '@nabla/optim';
import * as nd from '@nabla/tensor';
import { getBackend, type NDArray, Random, ShapeError, setBackend, ValueError } from '@nabla/tensor';
import { applyGradientThreshold } from './gradient-threshold.js';
import { assembleNetwork, Network } from './network.js';
import type { LayerSpec } from './layer-specs.js';
import type { IterationRecord, LabeledData, TrainingOptions } from './training-options.js';
import { plotFor, type TrainingProgressPlotFactory } from './training-progress-plot.js';
import { formatVerboseHeader, formatVerboseRow, formatVerboseFooter } from './verbose-table.js';

/** Everything needed to continue a run exactly where it stopped (written at each epoch's end). */
export interface TrainingSnapshot {
  /** Epochs completed. */
  epoch: number;
  /** Iterations completed. */
  iteration: number;
  /** The generator's state, so the shuffles continue as they would have. */
  generatorState: number[];
  /** The optimizer's state (momentum or moment estimates). */
  optimizerState: ReturnType<Optimizer['stateDict']>;
  /** Every iteration so far. */
  history: IterationRecord[];
  /** Seconds spent before this snapshot (so elapsed time keeps counting across a resume). */
  elapsedSeconds: number;
  /** The training order drawn once (shuffle 'once'), kept for a resume. */
  fixedOrder?: number[];
  /**
   * The order of the epoch in progress, when the snapshot was taken in the middle of an epoch
   * (a run the user stopped): the resume finishes that epoch from mini-batch
   * `iteration − epoch · batchesPerEpoch` in this order, so it ends bit-identical to a run never
   * stopped. Absent at an epoch's end.
   */
  epochOrder?: number[];
}

/** What a training run did. */
export interface TrainingInfo {
  /** One record per iteration. */
  history: IterationRecord[];
  /** Iterations run. */
  iterations: number;
  /** Epochs completed. */
  epochs: number;
  /** Wall-clock seconds of this call. */
  durationSeconds: number;
  /** Training examples processed per second (forward + backward + update). */
  examplesPerSecond: number;
  /** The last validation loss, if validation ran. */
  finalValidationLoss: number | undefined;
  /** The last validation accuracy in percent, if validation ran. */
  finalValidationAccuracy: number | undefined;
  /**
   * Why training ended: all epochs ran, onIteration returned 'stop', or the validation loss stopped
   * improving.
   */
  stopReason: 'max-epochs' | 'callback' | 'validation-patience';
}

/** What {@link trainNetwork} takes beyond Matlab's three arguments. */
export interface TrainNetworkExtras {
  /** Continue from a snapshot (the network must hold the snapshot's weights). */
  resume?: TrainingSnapshot;
  /** Called at each epoch's end with a snapshot to save (checkpoints). */
  onEpochEnd?: (snapshot: TrainingSnapshot, net: Network) => void | Promise<void>;
  /** Where `plots: 'training-progress'` draws (default: a page served on 127.0.0.1 in Node). */
  plot?: TrainingProgressPlotFactory;
  /**
   * Data augmentation (Matlab's augmentedImageDatastore): called on each training mini-batch of
   * raw inputs [rows, ...inputShape], before the input normalization, to transform it in place
   * with fresh random draws. Validation data is never augmented.
   */
  augment?: (batch: Float32Array, rows: Int32Array) => void;
  /**
   * Called once when onIteration's 'stop' ends training early (a user's Ctrl-C), with a snapshot
   * of that instant — in the middle of an epoch too — so the run can be checkpointed and resumed.
   */
  onStop?: (snapshot: TrainingSnapshot, net: Network) => void | Promise<void>;
}

// #region signature
/**
 * Matlab's trainNetwork(data, layers, options): mini-batch training of a classification (or
 * regression) network. Each iteration: a batch drawn from the epoch's shuffled order, the forward
 * pass, the loss (cross-entropy of the softmax, or the quadratic loss ½‖y − ŷ‖²), backpropagation,
 * and one solver step — for 'sgdm', v ← μv + ∇(L + λ/2‖θ‖²), θ ← θ − αv. Matlab drops the last
 * partial mini-batch of each epoch; so do we. Validation runs every `validationFrequency`
 * iterations and after the last one.
 */
export async function trainNetwork(
  data: LabeledData,
  layersOrNet: readonly LayerSpec[] | Network,
  options: TrainingOptions,
  extras: TrainNetworkExtras = {},
): Promise<{
  /** The trained network (in evaluation mode). */
  net: Network;
  /** What the run did: the history, counts, time and why it stopped. */
  info: TrainingInfo;
}> {
// #endregion signature
  selectExecutionEnvironment(options.executionEnvironment);
  const generator = new Random(options.seed);
  const net = layersOrNet instanceof Network ? layersOrNet : assembleNetwork(layersOrNet, { generator });
  const n = checkData('trainNetwork', net, data);
  if (options.validationData) checkData('trainNetwork (validation data)', net, options.validationData);
  if (n < options.miniBatchSize) {
    throw new ValueError(
      'trainNetwork',
      `mini-batch size ${options.miniBatchSize} is larger than the ${n} training examples`,
    );
  }
  if (!extras.resume && net.normalization !== 'none') net.fitNormalization(data.x);

  // Normalize the training set once: the same arithmetic as the input layer applies per batch.
  const inputs = net.normalizeInput(data.x).contiguous();
  const perExample = net.inputShape.reduce((a, b) => a * b, 1);
  // With augmentation, batches are drawn from the raw inputs, augmented, then normalized.
  const raw = extras.augment ? (data.x.astype('float32').contiguous().values() as Float32Array) : null;
  const params = net.body.parameters();
  const optimizer = makeOptimizer(params, options);

  let epoch = 0;
  let iteration = 0;
  let elapsedBefore = 0;
  const history: IterationRecord[] = [];
  let fixedOrder: Int32Array | null = null;
  if (extras.resume) {
    const r = extras.resume;
    epoch = r.epoch;
    iteration = r.iteration;
    elapsedBefore = r.elapsedSeconds;
    generator.setState(r.generatorState);
    optimizer.loadStateDict(r.optimizerState);
    history.push(...r.history);
    if (r.fixedOrder) fixedOrder = Int32Array.from(r.fixedOrder);
  }

  const batchesPerEpoch = Math.floor(n / options.miniBatchSize);
  // A snapshot taken mid-epoch resumes that epoch's order at the mini-batch where it stopped.
  let resumeOrder: Int32Array | null = null;
  let firstBatch = 0;
  if (extras.resume?.epochOrder) {
    const r = extras.resume;
    firstBatch = r.iteration - r.epoch * batchesPerEpoch;
    if (!(firstBatch > 0 && firstBatch < batchesPerEpoch) || r.epochOrder!.length !== n) {
      throw new ValueError(
        'trainNetwork',
        `the snapshot stopped mid-epoch at iteration ${r.iteration} after ${r.epoch} epoch(s) of ${batchesPerEpoch} mini-batches, with an order of ${r.epochOrder!.length} examples; this data has ${n}`,
      );
    }
    resumeOrder = Int32Array.from(r.epochOrder!);
  }
  const totalIterations = batchesPerEpoch * options.maxEpochs;
  const plot = await plotFor(options, totalIterations, extras.plot);
  const started = now();
  const elapsed = () => elapsedBefore + (now() - started) / 1000;
  const batchX = new Float32Array(options.miniBatchSize * perExample);
  const batchShape = [options.miniBatchSize, ...net.inputShape];
  const classification = net.outputKind !== 'regression';
  let stopReason: TrainingInfo['stopReason'] = 'max-epochs';
  let examplesSeen = 0;
  let bestValidationLoss = Number.POSITIVE_INFINITY;
  let validationsWithoutImprovement = 0;
  let lastValidation: { loss: number; accuracy: number } | undefined;

  if (options.verbose) for (const line of formatVerboseHeader(classification)) options.log(line);
  net.train();

  training: while (epoch < options.maxEpochs) {
    if (options.learnRateSchedule === 'piecewise') {
      optimizer.learningRate =
        options.initialLearnRate *
        options.learnRateDropFactor ** Math.floor(epoch / options.learnRateDropPeriod);
    }
    // #region epoch-order
    let order: Int32Array;
    if (resumeOrder) order = resumeOrder;
    else if (options.shuffle === 'every-epoch') order = generator.permutation(n);
    else if (options.shuffle === 'once') order = fixedOrder ??= generator.permutation(n);
    else order = Int32Array.from({ length: n }, (_, i) => i);
    // #endregion epoch-order

    const from = resumeOrder ? firstBatch : 0;
    resumeOrder = null;
    for (let b = from; b < batchesPerEpoch; b++) {
      const rows = order.subarray(b * options.miniBatchSize, (b + 1) * options.miniBatchSize);
      if (raw) {
        gatherRows(raw, perExample, rows, batchX);
        extras.augment!(batchX, rows);
        normalizeRows(net, batchX, perExample);
      } else gatherRows(inputs.data, perExample, rows, batchX);
      const x = new Tensor(nd.fromTypedArray(batchX, batchShape), false);
      const target = gatherTargets(data.y, rows);

      optimizer.zeroGrad();
      const scores = net.body.forward(x);
      const loss = classification
        ? crossEntropy(scores, target as Int32Array)
        : quadraticLoss(scores, target as NDArray);
      const lossValue = loss.item();
      if (!Number.isFinite(lossValue)) {
        throw new ValueError(
          'trainNetwork',
          `training stopped: the loss became ${lossValue} at iteration ${iteration + 1} (epoch ${epoch + 1}); try a smaller initialLearnRate (now ${optimizer.learningRate}) or check the data for NaN/Infinity`,
        );
      }
      loss.backward();
      applyGradientThreshold(params, options.gradientThresholdMethod, options.gradientThreshold);
      optimizer.step();
      iteration++;
      examplesSeen += rows.length;

      const record: IterationRecord = {
        epoch: epoch + 1,
        iteration,
        timeElapsed: elapsed(),
        miniBatchLoss: lossValue,
        miniBatchAccuracy: classification ? accuracyOf(scores.data, target as Int32Array) : Number.NaN,
        learningRate: optimizer.learningRate,
      };
      const last = iteration === totalIterations;
      if (
        options.validationData &&
        (iteration % options.validationFrequency === 0 || last || iteration === 1)
      ) {
        lastValidation = evaluateLoss(net, options.validationData);
        record.validationLoss = lastValidation.loss;
        record.validationAccuracy = lastValidation.accuracy;
        if (lastValidation.loss < bestValidationLoss) {
          bestValidationLoss = lastValidation.loss;
          validationsWithoutImprovement = 0;
        } else validationsWithoutImprovement++;
      }
      history.push(record);
      plot?.update(record);
      if (
        options.verbose &&
        (iteration === 1 ||
          last ||
          iteration % options.verboseFrequency === 0 ||
          record.validationLoss !== undefined)
      ) {
        options.log(formatVerboseRow(record, classification));
      }
      const verdict = await options.onIteration?.(record, {
        totalIterations,
        epochIterations: batchesPerEpoch,
      });
      if (verdict === 'stop') {
        stopReason = 'callback';
        if (extras.onStop) {
          // Stopped after an epoch's last mini-batch: the epoch is complete, as at its end.
          const complete = b === batchesPerEpoch - 1;
          await extras.onStop(
            {
              epoch: complete ? epoch + 1 : epoch,
              iteration,
              generatorState: generator.getState(),
              optimizerState: optimizer.stateDict(),
              history: history.slice(),
              elapsedSeconds: elapsed(),
              ...(fixedOrder ? { fixedOrder: Array.from(fixedOrder) } : {}),
              ...(complete ? {} : { epochOrder: Array.from(order) }),
            },
            net,
          );
        }
        break training;
      }
      if (validationsWithoutImprovement >= options.validationPatience) {
        stopReason = 'validation-patience';
        break training;
      }
    }
    epoch++;
    if (extras.onEpochEnd) {
      await extras.onEpochEnd(
        {
          epoch,
          iteration,
          generatorState: generator.getState(),
          optimizerState: optimizer.stateDict(),
          history: history.slice(),
          elapsedSeconds: elapsed(),
          ...(fixedOrder ? { fixedOrder: Array.from(fixedOrder) } : {}),
        },
        net,
      );
    }
  }
  if (
    options.batchNormalizationStatistics === 'population' &&
    computePopulationStatistics(net, inputs, options.miniBatchSize)
  ) {
    // Matlab reports the validation metrics of the finished network, after its statistics pass.
    if (options.validationData) lastValidation = evaluateLoss(net, options.validationData);
  }
  net.eval();
  await plot?.close();
  if (options.verbose) options.log(formatVerboseFooter());
  const durationSeconds = (now() - started) / 1000;
  return {
    net,
    info: {
      history,
      iterations: iteration,
      epochs: epoch,
      durationSeconds,
      examplesPerSecond: examplesSeen / Math.max(durationSeconds, 1e-9),
      finalValidationLoss: lastValidation?.loss,
      finalValidationAccuracy: lastValidation?.accuracy,
      stopReason,
    },
  };
}

/**
 * Matlab's BatchNormalizationStatistics 'population': after training, one pass over the training
 * data (already normalized by the input layer) in mini-batches of the training size, the last
 * partial batch included (a lone last example joins the batch before it). Each batch-normalization
 * layer normalizes by the batch's own statistics, as in training, while it accumulates the exact
 * mean and variance of everything it sees; these
 * become its TrainedMean / TrainedVariance (running_mean / running_var). Dropout is off during the
 * pass (it is an inference-time pass). Returns false when the network has no batch normalization.
 */
export function computePopulationStatistics(net: Network, inputs: NDArray, batchSize: number): boolean {
  const layers = net.body.modules().filter((m) => m instanceof BatchNorm1d || m instanceof BatchNorm2d);
  if (layers.length === 0) return false;
  const wasTraining = net.body.training;
  net.body.eval();
  for (const bn of layers) {
    bn.training = true;
    bn.startPopulationStatistics();
  }
  try {
    noGrad(() => {
      const n = inputs.shape[0]!;
      for (let start = 0; start < n; ) {
        let end = Math.min(n, start + batchSize);
        // A lone last example joins this batch: a batch of one has no variance to normalize by.
        if (n - end === 1) end = n;
        net.body.forward(new Tensor(inputs.slice([[start, end]]).contiguous(), false));
        start = end;
      }
    });
  } finally {
    for (const bn of layers) bn.finishPopulationStatistics();
    net.body.train(wasTraining);
  }
  return true;
}

/**
 * Matlab's ExecutionEnvironment: 'cpu' keeps a cpu backend (the reference, or its threaded form),
 * 'gpu' selects the gpu.js backend — which `registerGpuBackend()` from @nabla/gpu must have
 * registered (this package cannot import it) — and 'auto' (the default) runs on whatever backend
 * the caller selected, so a choice made with setBackend (the CLI's --backend, the playground's
 * selector) is never overridden.
 */
function selectExecutionEnvironment(env: TrainingOptions['executionEnvironment']): void {
  const registered = nd.registeredBackends();
  if (env === 'cpu') {
    // Matlab's 'cpu' is the processor, not our TypeScript backend: the wasm kernels run there too.
    const name = getBackend().name;
    if (!name.startsWith('cpu') && !name.startsWith('wasm')) setBackend('cpu');
  } else if (env === 'gpu') {
    if (!registered.includes('gpu')) {
      throw new ValueError(
        'trainNetwork',
        "executionEnvironment 'gpu' needs the gpu backend: call registerGpuBackend() from @nabla/gpu first (registered backends: " +
          `${registered.join(', ')})`,
      );
    }
    setBackend('gpu');
  }
}

function now(): number {
  const clock = (globalThis as { performance?: { now(): number } }).performance;
  return clock ? clock.now() : Date.now();
}

function makeOptimizer(params: ReturnType<Network['body']['parameters']>, o: TrainingOptions): Optimizer {
  if (o.solver === 'adam') {
    return new Adam(params, {
      lr: o.initialLearnRate,
      beta1: o.gradientDecayFactor,
      beta2: o.squaredGradientDecayFactor,
      eps: o.epsilon,
      weightDecay: o.l2Regularization,
    });
  }
  return new SGD(params, {
    lr: o.initialLearnRate,
    momentum: o.solver === 'sgdm' ? o.momentum : 0,
    weightDecay: o.l2Regularization,
  });
}

/** Refuses data that does not fit the network, naming what is wrong; returns the number of examples. */
export function checkData(op: string, net: Network, data: LabeledData): number {
  if (!data || !data.x || !data.y)
    throw new ValueError(op, 'data must be { x: NDArray, y: labels or targets }');
  if (!(data.y instanceof Int32Array) && !(data.y instanceof nd.NDArray)) {
    const kind = (data.y as object).constructor?.name ?? typeof data.y;
    throw new ValueError(
      op,
      `labels must be an Int32Array of class indices (or an NDArray of targets), got a ${kind}; convert with Int32Array.from(labels)`,
    );
  }
  net.checkInput(data.x, op);
  const n = data.x.shape[0]!;
  if (n === 0) throw new ValueError(op, 'the dataset is empty');
  if (nd.hasNonFinite(data.x)) throw new ValueError(op, 'the inputs contain NaN or Infinity');
  if (data.y instanceof Int32Array) {
    if (data.y.length !== n) throw new ShapeError(op, `${n} examples but ${data.y.length} labels`);
    if (net.outputKind === 'classification') {
      const classes = net.classes.length;
      for (let i = 0; i < n; i++) {
        const label = data.y[i]!;
        if (label < 0 || label >= classes) {
          throw new ValueError(
            op,
            `label ${label} of example ${i} is outside the network's ${classes} classes [0, ${classes - 1}]`,
          );
        }
      }
    }
  } else {
    if (data.y.shape[0] !== n) throw new ShapeError(op, `${n} examples but ${data.y.shape[0]} targets`);
    if (nd.hasNonFinite(data.y)) throw new ValueError(op, 'the targets contain NaN or Infinity');
  }
  return n;
}

/** The input layer's normalization on a gathered batch: (x − μ) and ÷ σ, rounded to float32 as normalizeInput. */
export function normalizeRows(net: Network, batch: Float32Array, per: number): void {
  const mean = net.mean ? (net.mean.contiguous().values() as Float32Array) : null;
  const std = net.std ? (net.std.contiguous().values() as Float32Array) : null;
  if (!mean) return;
  for (let i = 0; i < batch.length; i++) {
    const centred = Math.fround(batch[i]! - mean[i % per]!);
    batch[i] = std ? centred / std[i % per]! : centred;
  }
}

function gatherRows(src: nd.TypedArray, per: number, rows: Int32Array, out: Float32Array): void {
  for (let i = 0; i < rows.length; i++) {
    const from = rows[i]! * per;
    out.set(src.subarray(from, from + per), i * per);
  }
}

function gatherTargets(y: Int32Array | NDArray, rows: Int32Array): Int32Array | NDArray {
  if (y instanceof Int32Array) return Int32Array.from(rows, (r) => y[r]!);
  const per = y.size / y.shape[0]!;
  const src = y.contiguous().data;
  const out = new Float32Array(rows.length * per);
  for (let i = 0; i < rows.length; i++) out.set(src.subarray(rows[i]! * per, (rows[i]! + 1) * per), i * per);
  return nd.fromTypedArray(out, [rows.length, ...y.shape.slice(1)]);
}

/** Percentage of rows whose largest score is at the label. */
export function accuracyOf(scores: NDArray, labels: Int32Array): number {
  const predicted = nd.argmax(scores, -1).data;
  let correct = 0;
  for (let i = 0; i < labels.length; i++) if (predicted[i] === labels[i]) correct++;
  return (100 * correct) / labels.length;
}

/**
 * Loss and accuracy (percent) of a network on labelled data, in eval mode without a graph. The
 * classification loss is the mean cross-entropy from the scores z by log-softmax,
 * −log softmax(z)_y = log Σ_k e^(z_k − m) + m − z_y with m = max_k z_k, in float64: exact for any
 * scores, where −log of a float32 probability would cap each example at −log(1e-45) ≈ 103.
 */
export function evaluateLoss(
  net: Network,
  data: LabeledData,
): {
  /** Mean cross-entropy per example (classification), or ½·Σ(out − target)² / N (regression). */
  loss: number;
  /** Percentage of examples whose highest score is their label, 0 … 100 (NaN for regression). */
  accuracy: number;
} {
  return noGrad(() => {
    const out = net.predictScores(data.x);
    if (net.outputKind !== 'classification') {
      const target = data.y as NDArray;
      const diff = nd.sub(out, target);
      return { loss: (0.5 * nd.sum(nd.mul(diff, diff)).item()) / out.shape[0]!, accuracy: Number.NaN };
    }
    const labels = data.y as Int32Array;
    const scores = out.contiguous().values();
    const c = out.shape[1]!;
    let loss = 0;
    for (let i = 0; i < labels.length; i++) {
      let m = Number.NEGATIVE_INFINITY;
      for (let k = 0; k < c; k++) m = Math.max(m, scores[i * c + k]!);
      let sum = 0;
      for (let k = 0; k < c; k++) sum += Math.exp(scores[i * c + k]! - m);
      loss += Math.log(sum) + m - scores[i * c + labels[i]!]!;
    }
    return { loss: loss / labels.length, accuracy: accuracyOf(out, labels) };
  });
}
