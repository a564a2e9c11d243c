/// <reference types="node" />
/** @nabla/data/node — the parts that read files from disk (Node only). */
export { germanCreditPath, loadGermanCredit } from './german-credit.js';
export {
  type LoadMnistOptions,
  loadMnist,
  loadMnistSet,
  MNIST_FILES,
  type Mnist,
  type MnistFileKey,
  md5,
  mnistDataDir,
} from './mnist.js';
export { IdxDatastore, type IdxDatastoreOptions } from './idx-datastore.js';
export { readBytes, readIdxFile } from './read-idx-file.js';
export { IMAGE_EXTENSIONS, imageDatastore } from './image-folder.js';
