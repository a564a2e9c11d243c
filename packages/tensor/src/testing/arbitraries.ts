import fc from 'fast-check';
import type { ChannelGeometry, Conv2dGeometry, Pool2dGeometry } from '../backend.js';
import { conv2dGeometry } from '../conv.js';
import { pool2dGeometry } from '../pool.js';

/**
 * fast-check generators of kernel shapes. Two families: small shapes with every geometry option
 * (stride, padding, dilation, groups, sizes of 1), and shapes that cross the cpu GEMM's tile and
 * block edges (cpu/gemm.ts: 4×4 micro-tiles, MC = 96 rows, KC = 256 reduction steps, NC = 512
 * columns, MB = 1024 rows, and the plain loop below 4096 multiply-adds), kept cheap enough for the
 * reference's plain loops (at most ~4·10⁶ multiply-adds a case).
 */
export type ShapeFamily = 'small' | 'gemm-edges' | 'both';

/** Sizes just below, at and above the cpu GEMM's edges (and the micro-tile's). */
const EDGES = [3, 4, 5, 7, 8, 9, 95, 96, 97, 255, 256, 257, 511, 512, 513, 1023, 1024, 1025];
const WORK_LIMIT = 4_000_000;

export interface MatmulCase {
  m: number;
  k: number;
  n: number;
  transA: boolean;
  transB: boolean;
}

export function matmulCase(family: ShapeFamily = 'both', maxSide = 24): fc.Arbitrary<MatmulCase> {
  const small = fc.record({
    m: fc.integer({ min: 1, max: maxSide }),
    k: fc.integer({ min: 1, max: maxSide }),
    n: fc.integer({ min: 1, max: maxSide }),
  });
  // One or two dimensions at a GEMM edge, the rest small enough to keep the reference quick.
  const edges = fc
    .record({
      m: fc.oneof(fc.constantFrom(...EDGES), fc.integer({ min: 1, max: 40 })),
      k: fc.oneof(fc.constantFrom(...EDGES), fc.integer({ min: 1, max: 40 })),
      n: fc.oneof(fc.constantFrom(...EDGES), fc.integer({ min: 1, max: 40 })),
    })
    .filter((s) => s.m * s.k * s.n <= WORK_LIMIT);
  const dims = family === 'small' ? small : family === 'gemm-edges' ? edges : fc.oneof(small, edges);
  return fc
    .record({ dims, transA: fc.boolean(), transB: fc.boolean() })
    .map(({ dims, transA, transB }) => ({ ...dims, transA, transB }));
}

/** A convolution geometry with stride, padding, dilation and groups (all sizes ≥ 1). */
export function smallConvGeometry(maxSide = 9): fc.Arbitrary<Conv2dGeometry> {
  return fc
    .record({
      batch: fc.integer({ min: 1, max: 3 }),
      groups: fc.integer({ min: 1, max: 3 }),
      inPerGroup: fc.integer({ min: 1, max: 3 }),
      outPerGroup: fc.integer({ min: 1, max: 4 }),
      h: fc.integer({ min: 1, max: maxSide }),
      w: fc.integer({ min: 1, max: maxSide }),
      kh: fc.integer({ min: 1, max: 4 }),
      kw: fc.integer({ min: 1, max: 4 }),
      stride: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
      padding: fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 2 })),
      dilation: fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 })),
    })
    .filter((r) => r.h + 2 * r.padding[0] >= r.dilation[0] * (r.kh - 1) + 1)
    .filter((r) => r.w + 2 * r.padding[1] >= r.dilation[1] * (r.kw - 1) + 1)
    .map((r) =>
      conv2dGeometry(
        'smallConvGeometry',
        [r.batch, r.groups * r.inPerGroup, r.h, r.w],
        [r.groups * r.outPerGroup, r.inPerGroup, r.kh, r.kw],
        { stride: r.stride, padding: r.padding, dilation: r.dilation, groups: r.groups },
      ),
    );
}

/**
 * Convolutions whose GEMMs cross the cpu's block edges: the forward is Co/G × (N·Ho·Wo) × (Ci/G·kh·kw),
 * so batches of small images give 500–2500 windows (NC = 512, MB = 1024), 28–30 input channels of a
 * 3×3 kernel give 252–270 taps (KC = 256), 95–97 output channels cross MC = 96 and 255–257 cross KC
 * in the input gradient's product (whose reduction runs over the output channels). Also
 * single-channel 3×3 stride-1 layers, which the cpu runs on direct loops.
 */
export function gemmEdgeConvGeometry(): fc.Arbitrary<Conv2dGeometry> {
  return fc
    .record({
      batch: fc.oneof(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 14, max: 70 })),
      inChannels: fc.constantFrom(1, 2, 28, 29, 30),
      outChannels: fc.constantFrom(1, 4, 5, 16, 95, 96, 97, 255, 256, 257),
      side: fc.integer({ min: 2, max: 6 }),
      k: fc.constantFrom(1, 3),
      stride: fc.constantFrom(1, 1, 2),
      padding: fc.integer({ min: 0, max: 1 }),
    })
    .filter((r) => r.side + 2 * r.padding >= r.k)
    .map((r) =>
      conv2dGeometry(
        'gemmEdgeConvGeometry',
        [r.batch, r.inChannels, r.side, r.side + 1],
        [r.outChannels, r.inChannels, r.k, r.k],
        { stride: r.stride, padding: r.padding },
      ),
    )
    .filter(
      (g) =>
        g.batch * g.outHeight * g.outWidth * g.outChannels * g.inChannels * g.kernelHeight * g.kernelWidth <=
        WORK_LIMIT,
    );
}

export function convGeometry(family: ShapeFamily = 'both', maxSide = 9): fc.Arbitrary<Conv2dGeometry> {
  if (family === 'small') return smallConvGeometry(maxSide);
  if (family === 'gemm-edges') return gemmEdgeConvGeometry();
  return fc.oneof(smallConvGeometry(maxSide), gemmEdgeConvGeometry());
}

/** Pooling windows: sizes, strides (overlapping, non-overlapping, gapped), padding up to half the window; and LeNet's 2×2 stride 2. */
export function poolGeometry(maxSide = 12): fc.Arbitrary<Pool2dGeometry> {
  const general = fc
    .record({
      batch: fc.integer({ min: 1, max: 3 }),
      channels: fc.integer({ min: 1, max: 4 }),
      h: fc.integer({ min: 1, max: maxSide }),
      w: fc.integer({ min: 1, max: maxSide }),
      kh: fc.integer({ min: 1, max: 4 }),
      kw: fc.integer({ min: 1, max: 4 }),
      sh: fc.integer({ min: 1, max: 4 }),
      sw: fc.integer({ min: 1, max: 4 }),
      ph: fc.integer({ min: 0, max: 2 }),
      pw: fc.integer({ min: 0, max: 2 }),
    })
    .filter((r) => 2 * r.ph <= r.kh && 2 * r.pw <= r.kw)
    .filter((r) => r.h + 2 * r.ph >= r.kh && r.w + 2 * r.pw >= r.kw)
    .map((r) =>
      pool2dGeometry('poolGeometry', [r.batch, r.channels, r.h, r.w], [r.kh, r.kw], {
        stride: [r.sh, r.sw],
        padding: [r.ph, r.pw],
      }),
    );
  const lenet = fc
    .record({
      batch: fc.integer({ min: 1, max: 3 }),
      channels: fc.integer({ min: 1, max: 4 }),
      h: fc.integer({ min: 2, max: maxSide }),
      w: fc.integer({ min: 2, max: maxSide }),
    })
    .map((r) => pool2dGeometry('poolGeometry', [r.batch, r.channels, r.h, r.w], 2, { stride: 2 }));
  return fc.oneof(general, lenet);
}

/** [N, C] (plane 1) and [N, C, H, W] layouts, planes of odd sizes too (the cpu's four-accumulator tails). */
export function channelGeometry(): fc.Arbitrary<ChannelGeometry> {
  return fc.record({
    batch: fc.integer({ min: 1, max: 6 }),
    channels: fc.integer({ min: 1, max: 5 }),
    plane: fc.oneof(fc.constant(1), fc.integer({ min: 1, max: 50 })),
  });
}
