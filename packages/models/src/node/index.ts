/**
 * @nabla/models/node — the file side of @nabla/models, for Node only: a saved model's folder
 * (model.json + model.safetensors) written atomically and read with every check of loadModel.
 */
export { loadModelFiles, saveModelFiles } from './model-files.js';
