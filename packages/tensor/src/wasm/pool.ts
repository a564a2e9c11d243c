import type { Pool2dGeometry } from '../backend.js';
import { kernelInstance } from './kernels.js';

/** Max pooling on the wasm kernels: values and the flat input index of each window's winner. */
export function maxPool2dWasm(
  x: Float32Array,
  out: Float32Array,
  argmax: Int32Array,
  g: Pool2dGeometry,
): void {
  const w = kernelInstance();
  w.reset();
  const px = w.put(x);
  const count = out.length;
  const py = w.alloc(count * 4);
  const pa = w.alloc(count * 4);
  w.exports.maxPool2d(
    px,
    py,
    pa,
    g.batch * g.channels,
    g.inHeight,
    g.inWidth,
    g.kernelHeight,
    g.kernelWidth,
    g.strideHeight,
    g.strideWidth,
    g.padHeight,
    g.padWidth,
    g.outHeight,
    g.outWidth,
  );
  out.set(w.floats(py, count));
  argmax.set(w.ints(pa, count));
}
