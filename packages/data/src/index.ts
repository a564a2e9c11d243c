/**
 * @nabla/data — datasets, mini-batches, splits, the IDX format, MNIST, normalization and tabular
 * encoding. No Node built-ins: this entry runs unchanged in a browser; reading files from disk
 * lives in '@nabla/data/node'.
 */
export { DataLoader, type DataLoaderOptions, type DataLoaderState } from './data-loader.js';
export { type Batch, type Dataset, TensorDataset, type TensorDatasetOptions } from './dataset.js';
export {
  APPROVE,
  type GermanCredit,
  type GermanCreditAttribute,
  type GermanCreditRow,
  GERMAN_CREDIT_ATTRIBUTES,
  GERMAN_CREDIT_COST,
  germanCreditColumns,
  germanCreditCost,
  parseGermanCredit,
  REJECT,
} from './german-credit.js';
export { type GunzipOptions, gunzip, isGzip, MAX_GUNZIP_BYTES } from './gunzip.js';
export {
  type EncodeIdxOptions,
  encodeIdx,
  type IdxArray,
  type IdxData,
  type IdxDType,
  formatDims,
  type ParseIdxOptions,
  parseIdx,
} from './idx.js';
export {
  type ColorPreprocessing,
  ImageDatastore,
  type ImageDatastoreOptions,
  type ImageSource,
  imagesFromBytes,
  type SkippedFile,
} from './image-datastore.js';
export {
  checkPngDataSize,
  type DecodedImage,
  decodeImage,
  type ImageHeader,
  imageHeader,
  MAX_IMAGE_PIXELS,
  MAX_IMAGE_SIDE,
} from './image-decode.js';
export { augmentImage, type ImageAugmentation, resizeBilinear } from './image-transform.js';
export { checkLabels } from './labels.js';
export {
  boundingBox,
  type FrameMnistDigitOptions,
  frameMnistDigit,
  type Ink,
  MNIST_BOX,
  MNIST_SIDE,
  resampleArea,
} from './mnist-frame.js';
export {
  type LabeledImages,
  type MnistImageOptions,
  mnistImages,
  mnistLabels,
  pairImagesLabels,
} from './mnist.js';
export {
  CONSTANT_STD,
  meanImage,
  type Standardization,
  standardization,
  standardize,
  zeroCenter,
} from './normalize.js';
export { type Fold, stratifiedKFold } from './stratified-k-fold.js';
export { type Split, type SplitEachLabelOptions, splitEachLabel } from './split-each-label.js';
export {
  type ColumnSpec,
  type TabularEncoderJSON,
  type TabularEncoderOptions,
  TabularEncoder,
  type TabularRow,
  type TabularValue,
} from './tabular-encoder.js';
