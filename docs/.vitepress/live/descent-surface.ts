/**
 * Live demo `descent-surface`: gradient descent on a 2-D loss surface, drawn as a heat map with
 * contour bands and the path taken. The surface is the course's quadratic loss of one sigmoid
 * neuron with one input, L(w, b) = (1/N) Σᵢ ½(yᵢ − f(w xᵢ + b))², over its two parameters, on a
 * seeded set of N = 40 points whose classes overlap (so the minimum is finite). Far from the data
 * the sigmoid saturates and the surface is nearly flat: with a small learning rate descent crawls
 * across the plateau, with a larger one it reaches the valley. The surface is computed with
 * @nabla/tensor's array ops over the whole grid; each step is @nabla/autograd's gradient of the same
 * loss through @nabla/models' Neuron and @nabla/optim's GradientDescent, until converged (‖∇L‖ small).
 */
import { quadraticLoss, Tensor } from '@nabla/autograd';
import { Neuron } from '@nabla/models';
import { GradientDescent } from '@nabla/optim';
import * as nd from '@nabla/tensor';
import { NDArray, Random } from '@nabla/tensor';
import { Animation, button, controls, el, Readout, readouts, viridis } from './ui.js';

const N = 40;
/** The map shows w and b in [−LIMIT, LIMIT]. */
const LIMIT = 8;
const GRID = 160;
const SCALE = 2;
const SIZE = GRID * SCALE;
const START: [number, number] = [-5, 5];
const RATES = [0.5, 2, 8, 20, 60];
const DEFAULT_RATE = 20;
const MAX_ITERATIONS = 2000;
const STEPS_PER_FRAME = 8;
/** Converged: the gradient's norm below this. */
const TOLERANCE = 1e-4;
const BANDS = 18;

/** x ~ U(−3, 3); y ~ Bernoulli(σ(2x − 1)): the classes overlap, so L has a finite minimum. */
export function overlappingSet(seed = 4): { x: Float32Array; y: Float32Array } {
  const rng = new Random(seed);
  const x = new Float32Array(N);
  const y = new Float32Array(N);
  for (let i = 0; i < N; i++) {
    x[i] = rng.uniformRange(-3, 3);
    y[i] = rng.bernoulli(1 / (1 + Math.exp(-(2 * x[i]! - 1))));
  }
  return { x, y };
}

/** L(w, b) on a GRID × GRID grid, row 0 at b = +LIMIT: one broadcast over [cells, N] with Nabla's array ops. */
function lossSurface(data: { x: Float32Array; y: Float32Array }): Float32Array {
  const cells = GRID * GRID;
  const w = new Float32Array(cells);
  const b = new Float32Array(cells);
  for (let r = 0; r < GRID; r++)
    for (let c = 0; c < GRID; c++) {
      w[r * GRID + c] = toParameter(c + 0.5);
      b[r * GRID + c] = -toParameter(r + 0.5);
    }
  const z = nd.add(
    nd.mul(new NDArray(w, [cells, 1]), new NDArray(data.x, [1, N])),
    new NDArray(b, [cells, 1]),
  );
  const residual = nd.sub(new NDArray(data.y, [1, N]), nd.sigmoid(z));
  const loss = nd.mul(nd.sum(nd.square(residual), 1), 0.5 / N);
  return Float32Array.from(loss.contiguous().data);
}

/** Grid cell coordinate (0 … GRID) → parameter value. */
function toParameter(cell: number): number {
  return -LIMIT + (2 * LIMIT * cell) / GRID;
}
/** Parameter value → canvas pixel. */
function toPixel(value: number): number {
  return ((value + LIMIT) / (2 * LIMIT)) * SIZE;
}

class Descent {
  readonly neuron = new Neuron(1, { activation: 'sigmoid' });
  readonly optimizer: GradientDescent;
  readonly x: Tensor;
  readonly y: NDArray;
  iteration = 0;
  loss = Number.NaN;
  gradientNorm = Number.NaN;
  readonly path: [number, number][] = [];

  constructor(data: { x: Float32Array; y: Float32Array }, start: [number, number], rate: number) {
    this.x = new Tensor(new NDArray(data.x, [N, 1]));
    this.y = new NDArray(data.y, [N, 1]);
    this.neuron.weight.assign(new NDArray(Float32Array.of(start[0]), [1, 1]));
    this.neuron.bias.assign(new NDArray(Float32Array.of(start[1]), [1]));
    this.optimizer = new GradientDescent(this.neuron.parameters(), { lr: rate });
    this.gradient();
    this.path.push(this.point);
  }

  get point(): [number, number] {
    return [this.neuron.weight.data.contiguous().data[0]!, this.neuron.bias.data.contiguous().data[0]!];
  }

  get converged(): boolean {
    return this.gradientNorm < TOLERANCE;
  }

  /** L and ∇L at the current (w, b), by backward() through the neuron. */
  private gradient(): void {
    this.optimizer.zeroGrad();
    const loss = quadraticLoss(this.neuron.forward(this.x), this.y);
    loss.backward();
    this.loss = loss.item();
    const gw = this.neuron.weight.grad!.contiguous().data[0]!;
    const gb = this.neuron.bias.grad!.contiguous().data[0]!;
    this.gradientNorm = Math.hypot(gw, gb);
  }

  /** θ ← θ − α∇L(θ), then the loss and gradient at the new point. */
  descend(): void {
    this.optimizer.step();
    this.iteration++;
    this.gradient();
    this.path.push(this.point);
  }
}

export function mount(root: HTMLElement): () => void {
  const data = overlappingSet();
  const surface = lossSurface(data);
  let low = Number.POSITIVE_INFINITY;
  let high = Number.NEGATIVE_INFINITY;
  for (const v of surface) {
    low = Math.min(low, v);
    high = Math.max(high, v);
  }
  // Heat map with contour bands: a log scale spreads the valley's small losses over the colors.
  const band = (v: number) =>
    Math.min(BANDS - 1, Math.floor((BANDS * Math.log(v / low)) / Math.log((high / low) * 1.0001)));
  const background = new ImageData(SIZE, SIZE);
  for (let py = 0; py < SIZE; py++)
    for (let px = 0; px < SIZE; px++) {
      const r = Math.floor(py / SCALE);
      const c = Math.floor(px / SCALE);
      const k = band(surface[r * GRID + c]!);
      // A contour line where the band changes to the right or below.
      const edge =
        (c + 1 < GRID && band(surface[r * GRID + c + 1]!) !== k) ||
        (r + 1 < GRID && band(surface[(r + 1) * GRID + c]!) !== k);
      const [red, green, blue] = viridis(k / (BANDS - 1));
      const shade = edge ? 0.7 : 1;
      background.data.set([red * shade, green * shade, blue * shade, 255], 4 * (py * SIZE + px));
    }

  const canvas = el('canvas', { width: SIZE, height: SIZE, class: 'live-plot descent-map' });
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', 'the loss over (w, b) as a heat map, with the descent path');
  const context = canvas.getContext('2d');
  if (!context) throw new Error('the loss map has no 2D canvas context');

  const rate = el('select', { 'data-control': 'learning-rate', 'aria-label': 'learning rate' });
  for (const r of RATES) rate.append(el('option', { value: r, selected: r === DEFAULT_RATE }, `α = ${r}`));
  const iteration = new Readout('iteration', 'iteration');
  const loss = new Readout('loss', 'loss');
  const position = new Readout('(w, b)', 'position');
  const gradient = new Readout('‖∇L‖', 'gradient-norm');
  const status = el('span', { class: 'live-note', 'data-readout': 'status' });
  let start: [number, number] = [...START];
  let descent = new Descent(data, start, DEFAULT_RATE);

  const animation = new Animation(frame, (running) => {
    runButton.textContent = running ? 'Pause' : 'Run';
    showState();
  });
  const runButton = button('Run', 'run', () => {
    if (animation.running) animation.stop();
    else if (!finished()) animation.start();
  });
  const stepButton = button('Step', 'step', () => {
    animation.stop();
    if (!finished()) descent.descend();
    draw();
  });
  const reset = button('Reset', 'reset', () => restart());
  rate.addEventListener('change', () => restart());
  // Click the map to start from another point.
  canvas.addEventListener('click', (e) => {
    const box = canvas.getBoundingClientRect();
    const w = -LIMIT + (2 * LIMIT * (e.clientX - box.left)) / box.width;
    const b = LIMIT - (2 * LIMIT * (e.clientY - box.top)) / box.height;
    start = [w, b];
    restart();
  });

  root.classList.add('live-descent-surface');
  root.append(
    controls(
      runButton,
      stepButton,
      reset,
      rate,
      el('span', { class: 'live-note' }, 'click the map to start elsewhere'),
    ),
    canvas,
    el(
      'div',
      { class: 'live-note' },
      `w from −${LIMIT} to ${LIMIT} left to right, b from −${LIMIT} to ${LIMIT} bottom to top; darker is lower loss`,
    ),
    readouts(iteration, loss, position, gradient),
    status,
  );

  function finished(): boolean {
    return descent.converged || descent.iteration >= MAX_ITERATIONS;
  }

  function restart(): void {
    animation.stop();
    descent = new Descent(data, start, Number(rate.value));
    draw();
  }

  function showState(): void {
    const state = animation.running
      ? 'running'
      : descent.converged
        ? 'converged'
        : descent.iteration >= MAX_ITERATIONS
          ? 'stopped'
          : descent.iteration === 0
            ? 'ready'
            : 'paused';
    root.dataset.state = state;
    status.textContent =
      state === 'converged'
        ? `converged: ‖∇L‖ < ${TOLERANCE} after ${descent.iteration} iterations`
        : state === 'stopped'
          ? `not converged after ${MAX_ITERATIONS} iterations: try a larger α`
          : '';
  }

  function draw(): void {
    context!.putImageData(background, 0, 0);
    context!.lineWidth = 2;
    context!.strokeStyle = '#fff';
    context!.beginPath();
    descent.path.forEach(([w, b], i) => {
      const x = toPixel(w);
      const y = SIZE - toPixel(b);
      if (i === 0) context!.moveTo(x, y);
      else context!.lineTo(x, y);
    });
    context!.stroke();
    const [w, b] = descent.point;
    context!.fillStyle = '#e8453c';
    context!.beginPath();
    context!.arc(toPixel(w), SIZE - toPixel(b), 4, 0, 2 * Math.PI);
    context!.fill();
    iteration.set(descent.iteration);
    loss.set(descent.loss, descent.loss.toFixed(5));
    position.set(`${w},${b}`, `(${w.toFixed(2)}, ${b.toFixed(2)})`);
    gradient.set(descent.gradientNorm, descent.gradientNorm.toExponential(2));
    showState();
  }

  function frame(): boolean {
    for (let i = 0; i < STEPS_PER_FRAME && !finished(); i++) descent.descend();
    draw();
    return !finished();
  }

  draw();
  return () => animation.stop();
}
