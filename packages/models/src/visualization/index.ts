/** Feature visualization: filters, activation maps and activation maximization, as PNG bytes. */
export { type ActivationMap, type ActivationMapsOptions, activationMaps, tileLayer } from './activations.js';
export { gaussianBlur } from './blur.js';
export {
  type DeepDreamOptions,
  type DeepDreamRecord,
  type DeepDreamResult,
  deepDreamImage,
} from './deep-dream.js';
export { type FilterGridOptions, filterGrid } from './filters.js';
export { type LayerRef, resolveLayer, visibleLayers } from './layer-ref.js';
export { encodePng } from './png.js';
export { forwardCapture } from './probe.js';
export {
  type RasterImage,
  type TileOptions,
  type ToRasterOptions,
  imageRasters,
  tileImages,
  toRaster,
  upscale,
} from './raster.js';
export { bilinearMatrix, resizeBilinear } from './resize.js';
