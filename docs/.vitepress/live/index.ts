/** Mounts the live demo called `name` into `element`; resolves to a function that stops it. */
export type LiveDemoMount = (element: HTMLElement) => (() => void) | Promise<() => void>;

// Each demo is its own chunk, loaded only on a page that shows it.
const demos: Record<string, () => Promise<{ mount: LiveDemoMount }>> = {
  'neuron-2d': () => import('./neuron-2d.js'),
  'descent-surface': () => import('./descent-surface.js'),
  'convolution-window': () => import('./convolution-window.js'),
  'lenet-conv1': () => import('./lenet-conv1.js'),
};

export async function mountLiveDemo(name: string, element: HTMLElement): Promise<() => void> {
  const load = Object.hasOwn(demos, name) ? demos[name] : undefined;
  if (!load)
    throw new Error(`no live demo named '${name}' (known: ${Object.keys(demos).join(', ') || 'none'})`);
  const { mount } = await load();
  const stop = await mount(element);
  // For readers' scripts and the headless-browser test: the demo has started.
  element.dataset.mounted = 'true';
  return stop;
}
