import { autoBackend, registerGpuBackend } from '@nabla/gpu';
import { getBackend, registerBackend, setBackend } from '@nabla/tensor';
import { type GlRenderer, glRenderer } from './gl-renderer.js';

export type BackendName = 'auto' | 'cpu' | 'gpu';

export interface BackendReport {
  /** What the selector asked for. */
  requested: BackendName;
  /** The backend that runs: 'cpu' (the TypeScript reference) or 'gpu' (gpu.js). */
  name: string;
  /** The kernel class that really runs, as the backend reports it ('TypeScript', 'WebGL2Kernel'). */
  kernel: string;
  /** Why this one, in words. */
  reason: string;
  /** The WebGL renderer when gpu.js runs (null for the cpu backend). */
  renderer: GlRenderer | null;
}

let autoChoice: ReturnType<typeof autoBackend> | undefined;
let gpuRegistered = false;

/**
 * Selects the backend every later kernel runs on and says what runs. 'gpu' is strict: if gpu.js
 * would fall back to WebAssembly or JavaScript, `setBackend` throws GpuFallbackError rather than
 * pretend. 'auto' runs gpu.js only where its probe kernel ran on a real GL context, and keeps the
 * reason. The probe runs once per page; later selections reuse it.
 */
export function chooseBackend(requested: BackendName): BackendReport {
  if (requested === 'cpu') {
    setBackend('cpu');
    return { requested, ...current(), reason: 'the pure-TypeScript reference, as selected', renderer: null };
  }
  if (!gpuRegistered) {
    registerGpuBackend({ mode: 'gpu', strict: true });
    gpuRegistered = true;
  }
  if (requested === 'gpu') {
    setBackend('gpu');
    return {
      requested,
      ...current(),
      reason: 'gpu.js, strict: a fallback off the GPU is refused',
      renderer: glRenderer(),
    };
  }
  if (!autoChoice) {
    const choice = autoBackend({ mode: 'gpu' });
    autoChoice = choice;
    // The backend auto chose is the one `setBackend('auto')` selects from now on.
    registerBackend('auto', () => choice.backend);
  }
  setBackend('auto');
  const now = current();
  return { requested, ...now, reason: autoChoice.reason, renderer: now.name === 'gpu' ? glRenderer() : null };
}

/** The running backend's name and kernel class (re-read: gpu.js may have swapped a kernel since). */
export function current(): { name: string; kernel: string } {
  const b = getBackend();
  return { name: b.name, kernel: b.kernel };
}
