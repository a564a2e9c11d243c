import { Conv2d } from '@nabla/layers';
import { formatShape, ValueError } from '@nabla/tensor';
import type { Network } from '../network.js';
import { resolveLayer } from './layer-ref.js';
import { type RasterImage, type TileOptions, tileImages, toRaster, upscale } from './raster.js';

/** Options of {@link filterGrid}. */
export interface FilterGridOptions extends TileOptions {
  /** The conv layer (table name or module path); default the first convolution. */
  layer?: string;
  /** Enlarge each filter by this integer factor (nearest neighbour); default 1. */
  scale?: number;
}

/**
 * The learned filters of a convolution layer as a grid (the course's picture of conv1's 96
 * filters: oriented edges and colour blobs). Each filter is normalized on its own to [0, 255],
 * as Matlab's montage of rescaled weights, because the filters' magnitudes differ and one common
 * scale would leave most of them gray. A filter with 3 input channels is drawn in colour (channel
 * 0, 1, 2 → R, G, B); with 1 input channel, in gray; deeper filters (C_in > 3) are drawn one gray
 * tile per input channel, a row of C_in tiles per filter.
 */
export function filterGrid(net: Network, options: FilterGridOptions = {}): RasterImage {
  const conv = findConv(net, options.layer);
  const w = conv.param('weight').data.contiguous();
  const [out, cin, kh, kw] = w.shape as [number, number, number, number];
  const per = cin * kh * kw;
  const tiles: RasterImage[] = [];
  const scale = options.scale ?? 1;
  for (let f = 0; f < out; f++) {
    const values = w.data.subarray(f * per, (f + 1) * per);
    if (cin === 1 || cin === 3) {
      tiles.push(upscale(toRaster(values, kh, kw, cin), scale));
    } else {
      // One normalization for the whole filter, so its input channels compare with each other.
      const whole = toRaster(values, cin * kh, kw, 1);
      for (let c = 0; c < cin; c++) {
        const plane = whole.data.subarray(c * kh * kw, (c + 1) * kh * kw);
        tiles.push(upscale({ width: kw, height: kh, channels: 1, data: plane }, scale));
      }
    }
  }
  const columns = cin === 1 || cin === 3 ? options.columns : cin;
  return tileImages(tiles, { ...options, ...(columns !== undefined ? { columns } : {}) });
}

function findConv(net: Network, layer: string | undefined): Conv2d {
  if (layer === undefined) {
    for (const [, m] of net.body.namedModules()) if (m instanceof Conv2d) return m;
    throw new ValueError('filterGrid', 'the network has no convolution layer');
  }
  const ref = resolveLayer(net, layer);
  const m = ref.path === null ? null : net.body.getSubmodule(ref.path);
  if (!(m instanceof Conv2d)) {
    throw new ValueError(
      'filterGrid',
      `'${layer}' is not a convolution layer (it is ${m?.typeName ?? 'the output'})`,
    );
  }
  const w = m.param('weight');
  if (w.ndim !== 4) throw new ValueError('filterGrid', `expected a 4-d weight, got ${formatShape(w.shape)}`);
  return m;
}
