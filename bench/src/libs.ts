/** The libraries that appear as columns, in table order. Nabla first; every ratio is Nabla ÷ the peer. */
export const LIBS = [
  { id: 'nabla', label: 'Nabla' },
  { id: 'naive', label: 'naive JS' },
  { id: 'tfjs-cpu', label: 'TF.js cpu' },
  { id: 'tfjs-wasm', label: 'TF.js wasm' },
  { id: 'convnetjs', label: 'ConvNetJS' },
  { id: 'brain.js', label: 'brain.js' },
] as const;

export type LibId = (typeof LIBS)[number]['id'];

export function libLabel(id: LibId): string {
  return LIBS.find((l) => l.id === id)!.label;
}
