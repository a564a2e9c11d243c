/**
 * Live demo `convolution-window`: UFLDL's example of a convolution. A 3×3 window slides over a 5×5
 * binary image; at each of its 3 × 3 positions the output cell is the sum of the window's pixels
 * times the kernel's weights (the cross-correlation deep-learning libraries call convolution; this
 * kernel is symmetric, so flipping it would change nothing). The output is computed once by
 * @nabla/tensor's conv2d; the page also adds the nine products it shows for the current cell and
 * stops with an error on the page if that sum and conv2d's cell disagree.
 */
// UFLDL's 5×5 binary image and 3×3 kernel: the same constants the course demo and its test use.
import { UFLDL_FILTER as UFLDL_KERNEL, UFLDL_IMAGE } from '@nabla/course/ufldl';
import * as nd from '@nabla/tensor';
import { button, controls, el, Readout, readouts } from './ui.js';

const K = 3;
const OUT = UFLDL_IMAGE.length - K + 1;
const INTERVAL_MS = 450;

export function mount(root: HTMLElement): () => void {
  // NCHW input [1, 1, 5, 5] and filter [out, in, kh, kw] = [1, 1, 3, 3]: stride 1, no padding → [1, 1, 3, 3].
  const output = nd.conv2d(nd.tensor([[UFLDL_IMAGE]]), nd.tensor([[UFLDL_KERNEL]]));
  const values = output.contiguous().data;
  if (output.shape.join('×') !== `1×1×${OUT}×${OUT}`)
    throw new Error(`conv2d gave an output of shape ${output.shape.join('×')}, expected 1×1×${OUT}×${OUT}`);

  const imageCells: HTMLElement[][] = [];
  const image = el('div', { class: 'conv-grid', style: `--n: ${UFLDL_IMAGE.length}`, 'data-grid': 'image' });
  UFLDL_IMAGE.forEach((row, r) => {
    imageCells.push([]);
    row.forEach((v, c) => {
      const cell = el('div', { class: `conv-cell ${v ? 'ink' : ''}`, 'data-cell': `${r},${c}` }, String(v));
      imageCells[r]!.push(cell);
      image.append(cell);
    });
  });
  const kernel = el('div', { class: 'conv-grid kernel', style: `--n: ${K}`, 'data-grid': 'kernel' });
  for (const row of UFLDL_KERNEL)
    for (const v of row) kernel.append(el('div', { class: 'conv-cell' }, `×${v}`));
  const outputCells: HTMLElement[] = [];
  const out = el('div', { class: 'conv-grid output', style: `--n: ${OUT}`, 'data-grid': 'output' });
  for (let i = 0; i < OUT * OUT; i++) {
    const cell = el('div', { class: 'conv-cell', 'data-output-cell': `${Math.floor(i / OUT)},${i % OUT}` });
    outputCells.push(cell);
    out.append(cell);
  }
  const sum = el('div', { class: 'conv-sum', 'data-readout': 'sum' });
  const position = new Readout('output cell', 'position');

  /** −1: nothing computed yet; 0 … 8: the window's position, row-major. */
  let at = -1;
  let timer: ReturnType<typeof setInterval> | null = null;

  const playButton = button('Play', 'play', () => (timer ? pause() : play()));
  const stepButton = button('Step', 'step', () => {
    pause();
    advance();
  });
  const reset = button('Reset', 'reset', () => {
    pause();
    show(-1);
  });

  root.classList.add('live-convolution-window');
  root.append(
    controls(playButton, stepButton, reset),
    el(
      'div',
      { class: 'conv-figure' },
      el('figure', {}, image, el('figcaption', {}, 'image (5×5)')),
      el('span', { class: 'conv-op' }, '⋆'),
      el('figure', {}, kernel, el('figcaption', {}, 'kernel (3×3)')),
      el('span', { class: 'conv-op' }, '='),
      el('figure', {}, out, el('figcaption', {}, 'convolved feature (3×3)')),
    ),
    sum,
    readouts(position),
  );

  function play(): void {
    if (at >= OUT * OUT - 1) show(-1);
    timer = setInterval(() => {
      if (!advance()) pause();
    }, INTERVAL_MS);
    playButton.textContent = 'Pause';
    root.dataset.state = 'running';
  }

  function pause(): void {
    if (timer) clearInterval(timer);
    timer = null;
    playButton.textContent = 'Play';
    root.dataset.state = at === OUT * OUT - 1 ? 'done' : at < 0 ? 'ready' : 'paused';
  }

  /** Moves the window one cell on; false when it was already on the last one. */
  function advance(): boolean {
    if (at >= OUT * OUT - 1) return false;
    show(at + 1);
    return at < OUT * OUT - 1;
  }

  function show(next: number): void {
    at = next;
    const [r0, c0] = [Math.floor(at / OUT), at % OUT];
    for (let r = 0; r < UFLDL_IMAGE.length; r++)
      for (let c = 0; c < UFLDL_IMAGE.length; c++) {
        const cell = imageCells[r]![c]!;
        const inside = at >= 0 && r >= r0 && r < r0 + K && c >= c0 && c < c0 + K;
        cell.classList.toggle('in-window', inside);
        cell.dataset.weight = inside ? String(UFLDL_KERNEL[r - r0]![c - c0]) : '';
      }
    outputCells.forEach((cell, i) => {
      const filled = i <= at;
      cell.textContent = filled ? String(values[i]) : '';
      cell.classList.toggle('current', i === at);
      if (filled) cell.dataset.value = String(values[i]);
      else delete cell.dataset.value;
    });
    if (at < 0) {
      sum.textContent = 'Press Play or Step: the window slides over the image, one output cell at a time.';
      position.set('', '–');
    } else {
      const terms: string[] = [];
      let total = 0;
      for (let i = 0; i < K; i++)
        for (let j = 0; j < K; j++) {
          const x = UFLDL_IMAGE[r0 + i]![c0 + j]!;
          const w = UFLDL_KERNEL[i]![j]!;
          terms.push(`${x}×${w}`);
          total += x * w;
        }
      if (total !== values[at]) {
        // Two computations of one number disagree: say so on the page and stop there.
        pause();
        const message = `cell (${r0}, ${c0}): the products add up to ${total} but conv2d gave ${values[at]}`;
        root.append(el('p', { class: 'live-demo-failure', role: 'alert' }, message));
        root.dataset.state = 'failed';
        return;
      }
      sum.textContent = `${terms.join(' + ')} = ${values[at]}`;
      position.set(`${r0},${c0}`, `(${r0 + 1}, ${c0 + 1})`);
    }
    if (!timer) root.dataset.state = at === OUT * OUT - 1 ? 'done' : at < 0 ? 'ready' : 'paused';
  }

  show(-1);
  return () => pause();
}
