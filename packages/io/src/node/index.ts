/**
 * @nabla/io/node — the file side of @nabla/io, for Node only: atomic writes, safetensors and
 * checkpoint files, and the runner for the PyTorch interop scripts.
 */
export { tempPathFor, writeFileAtomic, writeFileAtomicSync } from './atomic-write.js';
export { loadCheckpoint, saveCheckpoint } from './checkpoint-file.js';
export {
  DEFAULT_PYTHON,
  hasTorch,
  INTEROP_DIR,
  type PythonResult,
  PythonUnavailableError,
  type RunPythonOptions,
  runPython,
} from './python.js';
export { MAX_LOAD_BYTES, type ReadFileOptions, readFileForLoad, readFileForLoadSync } from './read-file.js';
export { loadSafetensors, saveSafetensors } from './safetensors-file.js';
