import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Runs the PyTorch side of the interop harness (`interop/*.py`). Debian's PyTorch is installed for
 * the system interpreter, `/usr/bin/python3`; the `python3` first on PATH may be another one without
 * torch, so we name the interpreter (override with NABLA_PYTHON or `options.python`).
 */

export const DEFAULT_PYTHON = process.env.NABLA_PYTHON ?? '/usr/bin/python3';

/** The repository's `interop/` folder (from src/node or dist/node, it is four levels up). */
export const INTEROP_DIR = fileURLToPath(new URL('../../../../interop/', import.meta.url));

const INSTALL_HINT =
  "install Debian's PyTorch: `apt-get update && apt-get install -y python3-torch` (.ci/run does), or set NABLA_PYTHON";

/** The interpreter is missing, or it cannot import torch: the harness cannot run at all. */
export class PythonUnavailableError extends Error {
  /** 'PythonUnavailableError'. */
  override name = 'PythonUnavailableError';
}

/** What a Python script run by {@link runPython} did. */
export interface PythonResult {
  /** The exit code (a script reports a failed comparison with a non-zero code, so this is not thrown). */
  code: number;
  /** What it printed. */
  stdout: string;
  /** Its error output. */
  stderr: string;
}

/** Options of {@link runPython}. */
export interface RunPythonOptions {
  /** The interpreter (default: $NABLA_PYTHON, else /usr/bin/python3). */
  python?: string;
  /** Working directory of the script. */
  cwd?: string;
  /** Environment variables added to the current ones (undefined removes one). */
  env?: Record<string, string | undefined>;
  /** Killed (SIGKILL) after this long; default 10 minutes. */
  timeoutMs?: number;
}

/**
 * Runs `python args…` and resolves with its exit code and output. Throws PythonUnavailableError when
 * the interpreter is missing or the script fails to import torch, so a test says what to install
 * instead of showing a Python traceback.
 */
export function runPython(args: readonly string[], options: RunPythonOptions = {}): Promise<PythonResult> {
  const python = options.python ?? DEFAULT_PYTHON;
  return new Promise((resolve, reject) => {
    const child = spawn(python, args, {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 600_000);
    child.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (error.code === 'ENOENT')
        reject(new PythonUnavailableError(`runPython: ${python} not found; ${INSTALL_HINT}`));
      else reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const stdout = Buffer.concat(out).toString('utf8');
      const stderr = Buffer.concat(err).toString('utf8');
      if (/No module named '?(torch|numpy)'?/.test(stderr)) {
        reject(new PythonUnavailableError(`runPython: ${python} cannot import torch; ${INSTALL_HINT}`));
        return;
      }
      if (code === null) {
        reject(new Error(`runPython: ${python} ${args.join(' ')} was killed by ${signal}\n${stderr}`));
        return;
      }
      resolve({ code, stdout, stderr });
    });
  });
}

/** True when the interpreter runs and imports torch; for a clear message before a long harness. */
export async function hasTorch(python = DEFAULT_PYTHON): Promise<boolean> {
  try {
    const r = await runPython(['-c', 'import torch'], { python, timeoutMs: 120_000 });
    return r.code === 0;
  } catch {
    return false;
  }
}
