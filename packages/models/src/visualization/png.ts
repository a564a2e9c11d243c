import { encode } from 'fast-png';
import type { RasterImage } from './raster.js';

/**
 * A picture as PNG bytes (8-bit gray or RGB), with fast-png, which runs in browsers too: the
 * library makes bytes, the CLI and the examples write them to files.
 */
export function encodePng(image: RasterImage): Uint8Array {
  return encode({
    width: image.width,
    height: image.height,
    data: image.data,
    depth: 8,
    channels: image.channels,
  });
}
