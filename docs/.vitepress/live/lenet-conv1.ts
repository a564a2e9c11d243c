/**
 * Live demo `lenet-conv1`: draw a digit; the course's LeNet classifies it and shows what its first
 * convolution layer sees: conv1's sixteen 3×3 filters, each filter's output map for the drawing
 * (conv1), and that map after batch normalization and ReLU (what the next layer receives).
 *
 * The network is a LeNet trained by Nabla's CLI (`pnpm --filter @nabla/docs lenet-model`, see
 * docs/public/models/lenet-mnist/provenance.json): loading it takes a fraction of a second, where
 * training one worth looking at takes about a minute of CPU. The drawing pad and the probability
 * bars are the playground's (@nabla/playground); the drawing is framed like an MNIST digit by
 * @nabla/data's frameMnistDigit, loaded by @nabla/models' loadModel and run by its classify and
 * forwardCapture, all in the page.
 */
import { noGrad, Tensor } from '@nabla/autograd';
import { frameMnistDigit, MNIST_SIDE } from '@nabla/data';
import {
  classify,
  forwardCapture,
  loadModel,
  type Network,
  type RasterImage,
  resolveLayer,
  toRaster,
} from '@nabla/models';
import { DrawPad } from '@nabla/playground/draw-pad';
import { ProbabilityBars } from '@nabla/playground/probability-bars';
import { fromTypedArray } from '@nabla/tensor';
import { button, controls, el, Readout, readouts } from './ui.js';

const MODEL = 'models/lenet-mnist/';
const PAD = 280;
const CONV = 'convolution2d_1';
const AFTER_RELU = 'relu_1';

async function fetchBytes(url: string): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status} ${response.statusText}`);
  return new Uint8Array(await response.arrayBuffer());
}

/** A canvas showing an 8-bit gray picture. */
function rasterCanvas(image: RasterImage, attributes: Record<string, string> = {}): HTMLCanvasElement {
  const canvas = el('canvas', { width: image.width, height: image.height, ...attributes });
  paint(canvas, image);
  return canvas;
}

function paint(canvas: HTMLCanvasElement, image: RasterImage): void {
  const context = canvas.getContext('2d');
  if (!context) throw new Error('a map has no 2D canvas context');
  const pixels = context.createImageData(image.width, image.height);
  for (let p = 0; p < image.width * image.height; p++) {
    const v = image.data[p * image.channels]!;
    pixels.data.set([v, v, v, 255], 4 * p);
  }
  context.putImageData(pixels, 0, 0);
}

export async function mount(root: HTMLElement): Promise<() => void> {
  root.classList.add('live-lenet-conv1');
  const loading = el('p', { class: 'live-note' }, 'loading the trained LeNet…');
  root.append(loading);
  const base = `${import.meta.env.BASE_URL}${MODEL}`;
  const [json, weights] = await Promise.all([
    fetchBytes(`${base}model.json`),
    fetchBytes(`${base}model.safetensors`),
  ]);
  const { net } = loadModel({ json, weights });
  const conv = resolveLayer(net, CONV);
  const relu = resolveLayer(net, AFTER_RELU);
  const filters = filterValues(net, conv.path!);
  const count = filters.length;

  const padCanvas = el('canvas', {
    width: PAD,
    height: PAD,
    class: 'lenet-pad',
    'aria-label': 'draw a digit here',
  });
  const preview = el('canvas', { width: MNIST_SIDE, height: MNIST_SIDE, class: 'lenet-preview' });
  const prediction = new Readout('prediction', 'prediction');
  const confidence = new Readout('probability', 'probability');
  const bars = el('div', { class: 'lenet-bars', 'data-readout': 'probabilities' });
  const probabilityBars = new ProbabilityBars(bars);

  // One column per filter: the 3×3 filter (each scaled to its own range, as Matlab's montage does),
  // its conv1 map and its map after BN + ReLU (both on one scale per layer, as mat2gray(act) does).
  const convMaps: HTMLCanvasElement[] = [];
  const reluMaps: HTMLCanvasElement[] = [];
  const grid = el('div', { class: 'lenet-maps' });
  for (let f = 0; f < count; f++) {
    const convMap = el('canvas', { width: MNIST_SIDE, height: MNIST_SIDE, 'data-map': `conv1-${f}` });
    const reluMap = el('canvas', { width: MNIST_SIDE, height: MNIST_SIDE, 'data-map': `relu1-${f}` });
    convMaps.push(convMap);
    reluMaps.push(reluMap);
    grid.append(
      el(
        'div',
        { class: 'lenet-map-column' },
        rasterCanvas(toRaster(filters[f]!, 3, 3, 1), { class: 'lenet-filter', 'data-filter': String(f) }),
        convMap,
        reluMap,
        el('span', { class: 'lenet-map-label' }, String(f + 1)),
      ),
    );
  }

  const pad = new DrawPad(padCanvas, () => update());
  const clear = button('Clear', 'clear', () => {
    pad.clear();
    update();
  });

  loading.remove();
  root.append(
    controls(clear, el('span', { class: 'live-note' }, 'draw a digit (0–9) in the black square')),
    el(
      'div',
      { class: 'lenet-top' },
      padCanvas,
      el(
        'div',
        { class: 'lenet-side' },
        el('div', {}, preview, el('span', { class: 'live-note' }, ' the 28×28 input')),
        readouts(prediction, confidence),
        bars,
      ),
    ),
    el(
      'p',
      { class: 'live-note' },
      `conv1: ${count} filters (top), their outputs (middle) and the same after batch norm + ReLU (bottom)`,
    ),
    grid,
  );

  /** How many times the drawing was read and classified (each stroke's end): tests wait on it. */
  let updates = 0;

  function update(): void {
    root.dataset.updates = String(++updates);
    const image = frameMnistDigit(pad.ink());
    drawPreview(image);
    if (!image) {
      prediction.set('', '–');
      confidence.set('', '');
      probabilityBars.show(null);
      for (const c of [...convMaps, ...reluMaps]) c.getContext('2d')?.clearRect(0, 0, MNIST_SIDE, MNIST_SIDE);
      root.dataset.state = 'empty';
      return;
    }
    const x = fromTypedArray(image, [1, 1, MNIST_SIDE, MNIST_SIDE]);
    const { labels, scores } = classify(net, x);
    const probabilities = Array.from(scores.contiguous().data);
    const label = labels[0]!;
    prediction.set(net.classes[label] ?? String(label));
    confidence.set(probabilities[label]!, `${(100 * probabilities[label]!).toFixed(1)}%`);
    probabilityBars.show(probabilities);
    const outputs = noGrad(() => forwardCapture(net, new Tensor(x), [conv.path, relu.path]));
    showMaps(outputs.get(conv.path)!.data.contiguous().data, convMaps);
    showMaps(outputs.get(relu.path)!.data.contiguous().data, reluMaps);
    root.dataset.state = 'classified';
  }

  function drawPreview(image: Float32Array | null): void {
    const values = image ?? new Float32Array(MNIST_SIDE * MNIST_SIDE);
    paint(preview, toRaster(values, MNIST_SIDE, MNIST_SIDE, 1, { min: 0, max: 1 }));
  }

  update();
  root.dataset.state = 'ready';
  return () => pad.clear();
}

/** conv1's weights [16, 1, 3, 3] as sixteen arrays of nine. */
function filterValues(net: Network, path: string): Float32Array[] {
  const w = net.body.getSubmodule(path).param('weight').data.contiguous();
  const [out, , kh, kw] = w.shape as [number, number, number, number];
  const per = w.size / out;
  if (kh !== 3 || kw !== 3) throw new Error(`conv1 has ${kh}×${kw} filters, expected 3×3`);
  return Array.from({ length: out }, (_, f) => Float32Array.from(w.data.subarray(f * per, (f + 1) * per)));
}

/** One layer's maps [1, C, 28, 28] on one gray scale (the layer's min → black, max → white). */
function showMaps(values: ArrayLike<number>, canvases: HTMLCanvasElement[]): void {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < values.length; i++) {
    min = Math.min(min, values[i]!);
    max = Math.max(max, values[i]!);
  }
  const plane = MNIST_SIDE * MNIST_SIDE;
  canvases.forEach((canvas, c) => {
    const map = Array.prototype.slice.call(values, c * plane, (c + 1) * plane) as number[];
    paint(canvas, toRaster(map, MNIST_SIDE, MNIST_SIDE, 1, { min, max }));
  });
}
