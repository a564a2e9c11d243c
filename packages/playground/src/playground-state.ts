import type { BackendReport } from './backend-choice.js';

/**
 * What the page publishes on `globalThis.nablaPlayground` for people poking at it in devtools and
 * for the headless-browser test: plain data, read-only by convention; the page's controls drive it.
 */
export interface PlaygroundState {
  /** The chart is drawn and the controls work. */
  ready: boolean;
  phase: 'idle' | 'loading' | 'training' | 'done' | 'error';
  backend: BackendReport | null;
  /** Every iteration of the current run: iteration, losses and accuracies (percent). */
  history: {
    iteration: number;
    epoch: number;
    miniBatchLoss: number;
    miniBatchAccuracy: number;
    validationLoss?: number;
    validationAccuracy?: number;
  }[];
  /** The last validation accuracy (percent) of the current run. */
  validationAccuracy: number | null;
  /** How the last run ended. */
  outcome: { iterations: number; stopReason: string; seconds: number } | null;
  /** The last prediction of the drawing, and how many iterations the network had trained then. */
  prediction: { label: number; probabilities: number[]; afterIterations: number; training: boolean } | null;
  /** The last error shown on the page. */
  error: string | null;
}

declare global {
  // A global for devtools and tests; `var` is how TypeScript declares one.
  var nablaPlayground: PlaygroundState | undefined;
}

export function initialState(): PlaygroundState {
  return {
    ready: false,
    phase: 'idle',
    backend: null,
    history: [],
    validationAccuracy: null,
    outcome: null,
    prediction: null,
    error: null,
  };
}
