/**
 * @nabla/models — the course's networks and its Matlab-style workflow:
 * layers → trainNetwork(data, layers, trainingOptions('sgdm', …)) → classify(net, X).
 */
export { AlexNetBody, alexnet } from './alexnet.js';
export { classify } from './classify.js';
export {
  type FinetuneOptions,
  finetune,
  freezeLayers,
  type LearnRateFactor,
  type ReplaceHeadOptions,
  replaceHead,
  setLearnRateFactors,
  unfreezeAll,
} from './finetune.js';
export * from './visualization/index.js';
export * from './layer-specs.js';
export { lenet, lenetLayers } from './lenet.js';
export {
  accuracy,
  confusionMatrix,
  type MeanAndStd,
  meanAndStd,
  rocAuc,
  topK,
  topKAccuracy,
  totalCost,
} from './metrics.js';
export { type Activation, mlp, mlpLayers } from './mlp.js';
export {
  type Architecture,
  assembleNetwork,
  type LayerRow,
  measureOutputShapes,
  Network,
  type NetworkOptions,
  type OutputKind,
} from './network.js';
export {
  elementCount,
  MAX_ACTIVATION_ELEMENTS,
  type NetworkPlan,
  planNetwork,
} from './network-plan.js';
export {
  type LoadModelOptions,
  loadModel,
  MAX_CLASS_NAME_LENGTH,
  MAX_MODEL_JSON_BYTES,
  MAX_MODEL_LAYERS,
  MODEL_JSON,
  MODEL_WEIGHTS,
  type ModelFiles,
  type ModelInputDescription,
  type ModelJson,
  nameList,
  printable,
  refuseNonFinite,
  type SaveModelOptions,
  saveModel,
} from './model-format.js';
export { Neuron, type NeuronActivation } from './neuron.js';
export {
  accuracyOf,
  checkData,
  computePopulationStatistics,
  evaluateLoss,
  type TrainingInfo,
  type TrainingSnapshot,
  type TrainNetworkExtras,
  trainNetwork,
} from './train-network.js';
export { applyGradientThreshold } from './gradient-threshold.js';
export { describeModule } from './module-description.js';
export {
  type GradientThresholdMethod,
  type IterationRecord,
  type LabeledData,
  type Solver,
  type TrainingOptions,
  trainingOptionNames,
  trainingOptions,
} from './training-options.js';
export {
  formatDuration,
  formatVerboseFooter,
  formatVerboseHeader,
  formatVerboseRow,
} from './verbose-table.js';
export {
  type Applicant,
  applicantToRow,
  approvalProbabilities,
  COST_THRESHOLD,
  type CreditDecision,
  type CreditModel,
  type CreditRecipe,
  type CrossValidationReport,
  courseApplicant,
  crossValidateCredit,
  DM_PER_USD,
  decideApplicant,
  defaultCreditRecipe,
  type FoldResult,
  trainCreditModel,
} from './credit.js';
export {
  type EmbedFunction,
  type HTMLElementLike,
  openTrainingProgressPlot,
  ProgressStream,
  setTrainingProgressPlot,
  type StreamingView,
  TrainingProgressChart,
  type TrainingProgressChartOptions,
  trainingProgressInElement,
  type TrainingProgressPlot,
  type TrainingProgressPlotFactory,
  type TrainingProgressPlotInfo,
} from './training-progress-plot.js';
export {
  EPOCH_DATA,
  epochBoundaries,
  PROGRESS_DATA,
  type ProgressPoint,
  type ProgressRow,
  progressRows,
  type TrainingProgressOptions,
  trainingProgressSpec,
  type VegaLiteSpec,
} from './training-progress-spec.js';
