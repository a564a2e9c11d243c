/**
 * @nabla/models/node — the file side of @nabla/models, for Node only: a saved model's folder
 * (model.json + model.safetensors) written atomically and read with every check of loadModel.
 */
export { loadModelFiles, saveModelFiles } from './model-files.js';
/// <reference types="node" />
/** @nabla/models/node — the parts that need Node: the served training-progress page. */
export {
  type ServedTrainingProgress,
  type ServeTrainingProgressOptions,
  serveTrainingProgress,
} from './training-progress-server.js';
