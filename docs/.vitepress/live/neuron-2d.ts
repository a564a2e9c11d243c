/**
 * Live demo `neuron-2d`: the course's single neuron y = f(wᵀx + b) with the sigmoid f, learning a
 * linearly separable set of 2-D points by full-batch gradient descent on the quadratic loss
 * ½(y − f(wᵀx + b))². Every step is Nabla's: the Neuron of @nabla/models computes f(wᵀx + b),
 * @nabla/autograd's quadraticLoss and backward() give ∇w L and ∇b L, and @nabla/optim's
 * GradientDescent applies w ← w − α∇w L, b ← b − α∇b L. The decision boundary wᵀx + b = 0 (where
 * f = ½) is drawn after every step.
 */
import { noGrad, quadraticLoss, Tensor } from '@nabla/autograd';
import { Neuron } from '@nabla/models';
import { GradientDescent } from '@nabla/optim';
import { NDArray, Random } from '@nabla/tensor';
import { Animation, button, controls, el, Readout, readouts } from './ui.js';

/** Points and 0/1 labels of a seeded separable set: a random line, no point closer to it than `margin`. */
export function separableSet(seed: number, count = 60, margin = 0.12): { x: Float32Array; y: Float32Array } {
  const rng = new Random(seed);
  const angle = rng.uniformRange(0, 2 * Math.PI);
  const [a, c] = [Math.cos(angle), Math.sin(angle)];
  const offset = rng.uniformRange(-0.3, 0.3);
  const x = new Float32Array(2 * count);
  const y = new Float32Array(count);
  for (let i = 0; i < count; ) {
    const p = rng.uniformRange(-1, 1);
    const q = rng.uniformRange(-1, 1);
    const side = a * p + c * q + offset;
    if (Math.abs(side) < margin) continue;
    x[2 * i] = p;
    x[2 * i + 1] = q;
    y[i] = side > 0 ? 1 : 0;
    i++;
  }
  return { x, y };
}

const LEARNING_RATE = 2;
const MAX_STEPS = 500;
const STEPS_PER_FRAME = 2;
/** The plot shows [−R, R]² in data coordinates. */
const R = 1.15;
const SIZE = 320;

class NeuronRun {
  readonly x: Tensor;
  readonly y: NDArray;
  readonly neuron: Neuron;
  readonly optimizer: GradientDescent;
  step = 0;
  loss = Number.NaN;
  accuracy = 0;

  constructor(
    readonly data: { x: Float32Array; y: Float32Array },
    seed: number,
  ) {
    const n = data.y.length;
    this.x = new Tensor(new NDArray(data.x, [n, 2]));
    this.y = new NDArray(data.y, [n, 1]);
    this.neuron = new Neuron(2, { activation: 'sigmoid', generator: new Random(seed) });
    this.optimizer = new GradientDescent(this.neuron.parameters(), { lr: LEARNING_RATE });
    this.evaluate();
  }

  /** w₁, w₂, b. */
  get parameters(): [number, number, number] {
    const w = this.neuron.weight.data.contiguous().data;
    return [w[0]!, w[1]!, this.neuron.bias.data.contiguous().data[0]!];
  }

  /** One step of gradient descent on the mean quadratic loss over the whole set. */
  descend(): void {
    this.optimizer.zeroGrad();
    const loss = quadraticLoss(this.neuron.forward(this.x), this.y);
    loss.backward();
    this.optimizer.step();
    this.step++;
    this.evaluate();
  }

  /** The loss and the share of points on the right side of the boundary (f ≥ ½ ⇔ class 1). */
  private evaluate(): void {
    noGrad(() => {
      const out = this.neuron.forward(this.x);
      this.loss = quadraticLoss(out, this.y).item();
      const f = out.data.contiguous().data;
      let correct = 0;
      for (let i = 0; i < f.length; i++) if (f[i]! >= 0.5 === (this.data.y[i] === 1)) correct++;
      this.accuracy = correct / f.length;
    });
  }
}

/** The part of the square [−R, R]² where w₁x + w₂y + b ≥ 0 (Sutherland–Hodgman against one half-plane). */
function positiveHalf(w1: number, w2: number, b: number): [number, number][] {
  const square: [number, number][] = [
    [-R, -R],
    [R, -R],
    [R, R],
    [-R, R],
  ];
  const side = (p: [number, number]) => w1 * p[0] + w2 * p[1] + b;
  const out: [number, number][] = [];
  for (let i = 0; i < square.length; i++) {
    const p = square[i]!;
    const q = square[(i + 1) % square.length]!;
    const sp = side(p);
    const sq = side(q);
    if (sp >= 0) out.push(p);
    if (sp >= 0 !== sq >= 0) {
      const t = sp / (sp - sq);
      out.push([p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])]);
    }
  }
  return out;
}

const SVG = 'http://www.w3.org/2000/svg';
function svg<K extends keyof SVGElementTagNameMap>(tag: K, attributes: Record<string, string | number>) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attributes)) e.setAttribute(k, String(v));
  return e;
}

/** Data coordinates → SVG pixels (y up). */
const px = (v: number) => ((v + R) / (2 * R)) * SIZE;
const py = (v: number) => SIZE - ((v + R) / (2 * R)) * SIZE;

export function mount(root: HTMLElement): () => void {
  let seed = 1;
  let run = new NeuronRun(separableSet(seed), seed);

  const plot = svg('svg', { viewBox: `0 0 ${SIZE} ${SIZE}`, width: SIZE, height: SIZE, class: 'live-plot' });
  plot.setAttribute('role', 'img');
  plot.setAttribute('aria-label', 'points of two classes and the neuron’s decision boundary');
  const half = svg('polygon', { class: 'neuron-half', points: '' });
  const line = svg('line', { class: 'neuron-boundary', x1: 0, y1: 0, x2: 0, y2: 0 });
  const points = svg('g', {});
  plot.append(half, line, points);

  const step = new Readout('step', 'step');
  const loss = new Readout('loss', 'loss');
  const accuracy = new Readout('accuracy', 'accuracy');
  const weights = new Readout('w, b', 'parameters');
  const animation = new Animation(frame, (running) => {
    runButton.textContent = running ? 'Pause' : 'Run';
    root.dataset.state = running ? 'running' : run.step >= MAX_STEPS ? 'done' : 'paused';
  });
  const runButton = button('Run', 'run', () => (animation.running ? animation.stop() : animation.start()));
  const stepButton = button('Step', 'step', () => {
    animation.stop();
    run.descend();
    draw();
  });
  const reset = button('Reset', 'reset', () => restart(seed));
  const newData = button('New points', 'new-data', () => restart(seed + 1));

  root.classList.add('live-neuron-2d');
  root.append(
    controls(
      runButton,
      stepButton,
      reset,
      newData,
      el('span', { class: 'live-note' }, `α = ${LEARNING_RATE}, full batch`),
    ),
    plot,
    el('div', { class: 'live-note' }, 'red: class 1, blue: class 0; shaded: where f(wᵀx + b) > ½'),
    readouts(step, loss, accuracy, weights),
  );

  function restart(newSeed: number): void {
    animation.stop();
    seed = newSeed;
    run = new NeuronRun(separableSet(seed), seed);
    root.dataset.seed = String(seed);
    drawPoints();
    draw();
    root.dataset.state = 'ready';
  }

  function drawPoints(): void {
    points.replaceChildren();
    const { x, y } = run.data;
    for (let i = 0; i < y.length; i++) {
      points.append(
        svg('circle', {
          cx: px(x[2 * i]!),
          cy: py(x[2 * i + 1]!),
          r: 4.5,
          class: y[i] === 1 ? 'neuron-point class-1' : 'neuron-point class-0',
        }),
      );
    }
  }

  function draw(): void {
    const [w1, w2, b] = run.parameters;
    half.setAttribute(
      'points',
      positiveHalf(w1, w2, b)
        .map(([u, v]) => `${px(u)},${py(v)}`)
        .join(' '),
    );
    // The boundary w₁x + w₂y + b = 0 across the square: solve for y if the line is flatter than 45°.
    let ends: [number, number][];
    if (Math.abs(w2) >= Math.abs(w1))
      ends = [
        [-R, (-b + w1 * R) / w2],
        [R, (-b - w1 * R) / w2],
      ];
    else
      ends = [
        [(-b + w2 * R) / w1, -R],
        [(-b - w2 * R) / w1, R],
      ];
    line.setAttribute('x1', String(px(ends[0]![0])));
    line.setAttribute('y1', String(py(ends[0]![1])));
    line.setAttribute('x2', String(px(ends[1]![0])));
    line.setAttribute('y2', String(py(ends[1]![1])));
    step.set(run.step);
    loss.set(run.loss, run.loss.toFixed(4));
    accuracy.set(100 * run.accuracy, `${(100 * run.accuracy).toFixed(1)}%`);
    weights.set(`${w1},${w2},${b}`, `${w1.toFixed(2)}, ${w2.toFixed(2)}, ${b.toFixed(2)}`);
  }

  function frame(): boolean {
    for (let i = 0; i < STEPS_PER_FRAME && run.step < MAX_STEPS; i++) run.descend();
    draw();
    return run.step < MAX_STEPS;
  }

  restart(seed);
  return () => animation.stop();
}
