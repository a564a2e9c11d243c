/**
 * Small DOM helpers shared by the live demos: elements, buttons and read-outs. A read-out shows a
 * formatted number and keeps the raw one in `data-value`, so the headless-browser test reads the
 * number the page computed rather than parsing its formatting.
 */
import './live.css';

type Attributes = Record<string, string | number | boolean | undefined>;

/** An element with attributes (`class`, `data-*`, `aria-*`, …) and children. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    e.setAttribute(name, value === true ? '' : String(value));
  }
  e.append(...children);
  return e;
}

/** A button that runs `onClick`; `name` goes into data-action for the tests. */
export function button(label: string, name: string, onClick: () => void): HTMLButtonElement {
  const b = el('button', { type: 'button', class: 'live-button', 'data-action': name }, label);
  b.addEventListener('click', onClick);
  return b;
}

/** A labelled read-out: `label: value`, the raw number in data-value. */
export class Readout {
  readonly element: HTMLElement;
  private readonly value: HTMLElement;

  constructor(
    label: string,
    readonly name: string,
  ) {
    this.value = el('output', { class: 'live-readout-value', 'data-readout': name });
    this.element = el('span', { class: 'live-readout' }, `${label} `, this.value);
  }

  /** Shows `text` and records the raw value (a number, or text such as a class). */
  set(raw: number | string, text: string = String(raw)): void {
    this.value.textContent = text;
    this.value.dataset.value = String(raw);
  }
}

/** A row of read-outs. */
export function readouts(...items: Readout[]): HTMLElement {
  return el('div', { class: 'live-readouts' }, ...items.map((r) => r.element));
}

/** A row of controls. */
export function controls(...items: HTMLElement[]): HTMLElement {
  return el('div', { class: 'live-controls' }, ...items);
}

/**
 * Runs `frame` once per animation frame until it returns false or `stop()` is called: the loop of
 * a demo that animates. `running` says whether it is going.
 */
export class Animation {
  private handle: number | null = null;

  constructor(
    private readonly frame: () => boolean,
    private readonly onChange: (running: boolean) => void = () => undefined,
  ) {}

  get running(): boolean {
    return this.handle !== null;
  }

  start(): void {
    if (this.handle !== null) return;
    const tick = () => {
      if (this.frame()) this.handle = requestAnimationFrame(tick);
      else this.stop();
    };
    this.handle = requestAnimationFrame(tick);
    this.onChange(true);
  }

  stop(): void {
    if (this.handle === null) return;
    cancelAnimationFrame(this.handle);
    this.handle = null;
    this.onChange(false);
  }
}

/**
 * A color for t in [0, 1] on viridis (five anchor colors, linearly interpolated): perceptually
 * ordered and readable by color-blind readers.
 */
export function viridis(t: number): [number, number, number] {
  const stops: [number, number, number][] = [
    [68, 1, 84],
    [59, 82, 139],
    [33, 145, 140],
    [94, 201, 98],
    [253, 231, 37],
  ];
  const x = Math.min(1, Math.max(0, t)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  const f = x - i;
  const a = stops[i]!;
  const b = stops[i + 1]!;
  return [a[0] + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1]), a[2] + f * (b[2] - a[2])];
}
