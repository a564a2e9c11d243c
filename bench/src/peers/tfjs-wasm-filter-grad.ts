import * as tf from '@tensorflow/tfjs';

/**
 * TF.js 4.22's wasm backend has no Conv2DBackpropFilter kernel, so conv training (tf.grad of
 * tf.conv2d) throws there. This registers one built from ops the wasm backend does have, so it
 * runs at XNNPACK speed (a fair peer, not a handicapped one):
 *
 *   dW[u, v, c, o] = Σ_n Σ_i Σ_j xpad[n, i·s + u, j·s + v, c] · dy[n, i, j, o]
 *
 * is a convolution of xpad viewed as [C, H, W, N] (channels as the batch, images as the channels)
 * with dy viewed as the filter [Ho, Wo, N, Co], dilated by the forward stride; the result
 * [C, kh, kw, Co] is transposed to TF.js's filter layout [kh, kw, C, Co].
 */
export function registerWasmConv2DBackpropFilter(): void {
  if (tf.getKernel('Conv2DBackpropFilter', 'wasm')) return;
  tf.registerKernel({
    kernelName: 'Conv2DBackpropFilter',
    backendName: 'wasm',
    kernelFunc: ({ inputs, attrs }) => {
      const { x, dy } = inputs as unknown as { x: tf.Tensor4D; dy: tf.Tensor4D };
      const a = attrs as unknown as {
        strides: number | [number, number];
        pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
        dataFormat: 'NHWC' | 'NCHW';
        dimRoundingMode?: 'floor' | 'round' | 'ceil';
        filterShape: [number, number, number, number];
      };
      if (!(x instanceof tf.Tensor) || !(dy instanceof tf.Tensor)) {
        throw new Error('bench Conv2DBackpropFilter (wasm): expected Tensor inputs');
      }
      if (a.dataFormat !== 'NHWC') throw new Error('bench Conv2DBackpropFilter (wasm): only NHWC');
      const info = tf.backend_util.computeConv2DInfo(
        x.shape,
        a.filterShape,
        a.strides,
        1,
        a.pad,
        a.dimRoundingMode,
        false,
        'channelsLast',
      );
      return tf.tidy(() => filterGradient(x, dy, info));
    },
  });
}

function filterGradient(x: tf.Tensor4D, dy: tf.Tensor4D, info: tf.backend_util.Conv2DInfo): tf.Tensor4D {
  const { top, bottom, left, right } = info.padInfo;
  const padded =
    top || bottom || left || right
      ? tf.pad(x, [
          [0, 0],
          [top, bottom],
          [left, right],
          [0, 0],
        ])
      : x;
  const images = tf.transpose(padded, [3, 1, 2, 0]); // [C, Hp, Wp, N]
  const filter = tf.transpose(dy, [1, 2, 0, 3]); // [Ho, Wo, N, Co]
  const full = tf.conv2d(images, filter, 1, 'valid', 'NHWC', [info.strideHeight, info.strideWidth]);
  const { inChannels, filterHeight, filterWidth, outChannels } = info;
  const cut =
    full.shape[1] === filterHeight && full.shape[2] === filterWidth
      ? full
      : tf.slice(full, [0, 0, 0, 0], [inChannels, filterHeight, filterWidth, outChannels]);
  return tf.transpose(cut, [1, 2, 0, 3]);
}

/**
 * Checks the patched kernel against TF.js's own cpu kernel on small strided and padded cases;
 * returns the largest error relative to max |dW|. Call with the wasm backend current.
 */
export async function checkWasmConv2DBackpropFilter(
  switchTo: (backend: 'cpu' | 'wasm') => Promise<unknown>,
): Promise<number> {
  const cases: {
    x: [number, number, number, number];
    f: [number, number, number, number];
    s: number;
    p: number;
  }[] = [
    { x: [2, 9, 9, 3], f: [3, 3, 3, 4], s: 1, p: 1 },
    { x: [1, 19, 19, 3], f: [11, 11, 3, 5], s: 4, p: 0 },
    { x: [2, 8, 7, 2], f: [5, 5, 2, 3], s: 2, p: 2 },
  ];
  let worst = 0;
  for (const c of cases) {
    const xs = Float32Array.from({ length: c.x.reduce((a, b) => a * b) }, (_, i) => Math.sin(i * 1.3));
    const grad = async (backend: 'cpu' | 'wasm') => {
      await switchTo(backend);
      return tf.tidy(() => {
        const x = tf.tensor4d(xs, c.x);
        const y = tf.conv2d(x, tf.zeros(c.f), c.s, c.p);
        const dy = tf.tensor4d(
          Float32Array.from({ length: y.size }, (_, i) => Math.cos(i * 0.7)),
          y.shape as [number, number, number, number],
        );
        return (
          tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, {
            strides: c.s,
            pad: c.p,
            dataFormat: 'NHWC',
            filterShape: c.f,
          } as unknown as tf.NamedAttrMap) as tf.Tensor
        ).dataSync();
      });
    };
    const want = await grad('cpu');
    const got = await grad('wasm');
    let scale = 0;
    let err = 0;
    for (let i = 0; i < want.length; i++) {
      scale = Math.max(scale, Math.abs(want[i]!));
      err = Math.max(err, Math.abs(want[i]! - got[i]!));
    }
    worst = Math.max(worst, err / scale);
  }
  return worst;
}
