import type { Module } from '@nabla/layers';
import { ValueError } from '@nabla/tensor';
import type { Network } from '../network.js';

/** A layer picked for visualization: its display name and the body module whose output it is. */
export interface LayerRef {
  /** The layer's display name. */
  name: string;
  /** Dotted path of the module in `net.body`; null for the network's scores (softmax/output rows). */
  path: string | null;
  /** The layer-table row, when the name came from one. */
  kind: string;
}

/**
 * Finds a layer by the name in the network's layer table (Matlab's 'conv1', 'fc8',
 * 'convolution2d_1') or by module path in the body (PyTorch's 'features.0', '12'). A table row
 * made of several modules (flatten + fully connected) is the output of its last one; the softmax
 * and output rows stand for the scores that feed them (maximizing a class means maximizing its
 * score, as Matlab's deepDreamImage does on the last fully connected layer).
 */
export function resolveLayer(net: Network, name: string): LayerRef {
  const row = net.layerRows.find((r) => r.name === name);
  if (row) {
    if (row.kind === 'imageInput' || row.kind === 'featureInput' || row.kind === 'data') {
      throw new ValueError('resolveLayer', `'${name}' is the input layer; pick a layer after it`);
    }
    const path = row.modules.length ? row.modules[row.modules.length - 1]! : null;
    return { name, path, kind: row.kind };
  }
  const modules = new Map(net.body.namedModules());
  if (name !== '' && modules.has(name)) {
    return { name, path: name, kind: modules.get(name)!.typeName };
  }
  const known = net.layerRows.length
    ? net.layerRows.map((r) => r.name)
    : [...modules.keys()].filter((k) => k !== '');
  throw new ValueError('resolveLayer', `no layer '${name}'; the network has ${known.join(', ')}`);
}

/** Every layer of the table that has an output to show (all rows but the input), in order. */
export function visibleLayers(net: Network): LayerRef[] {
  if (net.layerRows.length === 0) {
    return net.body
      .namedModules()
      .filter(([k, m]) => k !== '' && m.children().length === 0)
      .map(([k, m]) => ({ name: k, path: k, kind: m.typeName }));
  }
  return net.layerRows
    .filter((r) => r.kind !== 'imageInput' && r.kind !== 'featureInput' && r.kind !== 'data')
    .map((r) => resolveLayer(net, r.name));
}

/** The module at a path (for the filters of a conv layer). */
export function moduleAt(net: Network, ref: LayerRef): Module | null {
  return ref.path === null ? null : net.body.getSubmodule(ref.path);
}
