import { noGrad, Tensor } from '@nabla/autograd';
import { formatShape, type NDArray, ShapeError } from '@nabla/tensor';
import type { Network } from '../network.js';
import { type LayerRef, resolveLayer, visibleLayers } from './layer-ref.js';
import { forwardCapture } from './probe.js';
import { type RasterImage, tileImages, toRaster, upscale } from './raster.js';

export interface ActivationMapsOptions {
  /** Layers by table name or module path; default every layer after the input. */
  layers?: readonly string[];
  /**
   * 'layer' (default): one gray scale for all of a layer's maps, as Matlab's mat2gray(act), so a
   * strongly active channel stands out white; 'map': each map stretched on its own.
   */
  normalize?: 'layer' | 'map';
  /** Enlarge each map by this integer factor; default so that a map is about 48 pixels across. */
  scale?: number;
  /** Pixels between maps. */
  gap?: number;
}

export interface ActivationMap {
  /** The layer's display name. */
  layer: string;
  /** The layer's output for the one image, without the batch axis: [C, H, W] or [K]. */
  shape: number[];
  /** The channels tiled in a grid (a fully connected output: one pixel per unit). */
  image: RasterImage;
}

/**
 * The activations of each layer for one image (the course's "what does conv1 see"): one forward
 * pass in evaluation mode, without a graph, keeping every wanted layer's output. A convolution
 * output [C, H, W] becomes C gray maps in a grid; a fully connected output [K] one square-ish
 * grid of K pixels, each a unit.
 */
export function activationMaps(
  net: Network,
  image: NDArray,
  options: ActivationMapsOptions = {},
): ActivationMap[] {
  const x = image.ndim === net.inputShape.length ? image.reshape([1, ...image.shape]) : image;
  net.checkInput(x, 'activationMaps');
  if (x.shape[0] !== 1) {
    throw new ShapeError(
      'activationMaps',
      `expected one image, got a batch of shape ${formatShape(x.shape)}`,
    );
  }
  const refs: LayerRef[] = options.layers
    ? options.layers.map((l) => resolveLayer(net, l))
    : visibleLayers(net);
  const wasTraining = net.body.training;
  net.eval();
  let outputs: Map<string | null, Tensor>;
  try {
    outputs = noGrad(() =>
      forwardCapture(
        net,
        new Tensor(x.contiguous(), false),
        refs.map((r) => r.path),
      ),
    );
  } finally {
    if (wasTraining) net.train();
  }
  return refs.map((ref) => {
    const y = outputs.get(ref.path)!.data.contiguous();
    const shape = y.shape.slice(1);
    return { layer: ref.name, shape, image: tileLayer(y.data, shape, options) };
  });
}

/** Tiles one example's layer output [C, H, W] (or [K]) as gray maps. */
export function tileLayer(
  values: ArrayLike<number>,
  shape: readonly number[],
  options: Pick<ActivationMapsOptions, 'normalize' | 'scale' | 'gap'> = {},
): RasterImage {
  const gap = options.gap ?? 1;
  if (shape.length === 3) {
    const [c, h, w] = shape as [number, number, number];
    const range = options.normalize === 'map' ? undefined : extent(values);
    const scale = options.scale ?? Math.max(1, Math.floor(48 / Math.max(h, w)));
    const tiles: RasterImage[] = [];
    for (let k = 0; k < c; k++) {
      const plane = Array.prototype.slice.call(values, k * h * w, (k + 1) * h * w) as number[];
      tiles.push(upscale(toRaster(plane, h, w, 1, range), scale));
    }
    return tileImages(tiles, { gap, background: 64 });
  }
  const n = shape.reduce((a, b) => a * b, 1);
  const side = Math.ceil(Math.sqrt(n));
  const padded = new Float32Array(side * side);
  const range = extent(values);
  padded.fill(range.min);
  for (let i = 0; i < n; i++) padded[i] = values[i]!;
  const scale = options.scale ?? Math.max(1, Math.floor(256 / side));
  return upscale(toRaster(padded, side, side, 1, range), scale);
}

function extent(values: ArrayLike<number>): { min: number; max: number } {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { min, max };
}
