/// <reference types="node" />
/** @nabla/models/node — the parts that need Node: the served training-progress page. */
export {
  type ServedTrainingProgress,
  type ServeTrainingProgressOptions,
  serveTrainingProgress,
} from './training-progress-server.js';
