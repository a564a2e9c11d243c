/**
 * @nabla/cli — the `nabla` command (bin: dist/main.js). The program is also exported for scripts
 * that want to run a command in-process. The training-progress chart spec it draws lives in
 * @nabla/models (`trainingProgressSpec`), shared with the browser playground.
 */
export { buildProgram, runCli } from './program.js';
