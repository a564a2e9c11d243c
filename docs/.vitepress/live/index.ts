/** Mounts the live demo called `name` into `element`; resolves to a function that stops it. */
export type LiveDemoMount = (element: HTMLElement) => (() => void) | Promise<() => void>;

const demos: Record<string, () => Promise<{ mount: LiveDemoMount }>> = {};

export async function mountLiveDemo(name: string, element: HTMLElement): Promise<() => void> {
  const load = Object.hasOwn(demos, name) ? demos[name] : undefined;
  if (!load)
    throw new Error(`no live demo named '${name}' (known: ${Object.keys(demos).join(', ') || 'none'})`);
  const { mount } = await load();
  return mount(element);
}
