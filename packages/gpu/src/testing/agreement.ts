/**
 * Test support (not part of the built package): checks the gpu backend's matmul and convolution
 * kernels against the reference backend with the oracle check of `@nabla/tensor/testing`, on
 * fast-check-drawn shapes. The same module runs in Node (webasm) and bundled into a page in
 * headless Chromium (WebGL2), so both paths are held to one standard.
 *
 * The error measure (tensor/src/testing/error-bound.ts): every output is a sum of k products, and
 * float32 rounding in any order moves it by at most γ_k·Σ|terms|, γ_k = k·u/(1 − k·u), u = 2⁻²⁴.
 * `maxError` is the worst error as a fraction of that bound, so TOLERANCE is 1: a wrong index or a
 * missed tap gives a fraction of millions.
 */
import { type Backend, conv2dGeometry } from '@nabla/tensor';
import { type CheckReport, checkOp, convOutcome, describeConv, matmulOutcome } from '@nabla/tensor/testing';

/** The largest error allowed, as a fraction of the float32 rounding bound of each output's sum. */
export const TOLERANCE = 1;

export interface OpReport {
  op: string;
  cases: number;
  /** The worst error over all cases, as a fraction of its rounding bound. */
  maxError: number;
  /** The worst error relative to Σ|terms| (the measured figure, in units of the float32 roundoff 6e-8). */
  relative: number;
  /** The shape of the worst case, for the failure message. */
  worst: string;
}

export interface AgreementOptions {
  /** fast-check runs per op; keep it small in software-rendered WebGL. */
  numRuns: number;
  seed: number;
  /** Largest matrix side and image side drawn. */
  maxSide: number;
}

const asOpReport = (r: CheckReport): OpReport => ({
  op: r.op,
  cases: r.cases,
  maxError: r.ratio,
  relative: r.relative,
  worst: r.worst,
});

/**
 * LeNet's own shapes at batch 8 (conv 1→6 5×5 pad 2 on 28×28, conv 6→16 5×5 on 14×14, the fully
 * connected 400→120 forward and both backward products): larger textures than the drawn cases.
 */
export function checkLenetShapes(backend: Backend): OpReport[] {
  const conv1 = conv2dGeometry('lenet', [8, 1, 28, 28], [6, 1, 5, 5], { padding: 2 });
  const conv2 = conv2dGeometry('lenet', [8, 6, 14, 14], [16, 6, 5, 5]);
  const reports: OpReport[] = [];
  const worstOf = (op: string, outcomes: { label: string; ratio: number; relative: number }[]) => {
    const worst = outcomes.reduce((a, b) => (b.ratio >= a.ratio ? b : a));
    return {
      op,
      cases: outcomes.length,
      maxError: worst.ratio,
      relative: Math.max(...outcomes.map((o) => o.relative)),
      worst: worst.label,
    };
  };
  for (const op of ['conv2d', 'conv2dBackwardInput', 'conv2dBackwardFilter'] as const) {
    const outcomes = [conv1, conv2].map((g, i) => {
      const { comparison } = convOutcome(backend, op, g, i + 1).outcome;
      return { label: describeConv(g), ...comparison };
    });
    reports.push(worstOf(op, outcomes));
  }
  const products = [
    { m: 8, k: 400, n: 120, transA: false, transB: true, label: 'x·Wᵀ 8×400·(120×400)ᵀ' },
    { m: 8, k: 120, n: 400, transA: false, transB: false, label: 'dy·W 8×120·120×400' },
    { m: 120, k: 8, n: 400, transA: true, transB: false, label: 'dyᵀ·x (8×120)ᵀ·8×400' },
  ];
  reports.push(
    worstOf(
      'matmul',
      products.map((c, i) => ({ label: c.label, ...matmulOutcome(backend, c, i + 3).outcome.comparison })),
    ),
  );
  return reports;
}

/** All four primitives on small drawn shapes; throws (with fast-check's counterexample) at the first disagreement. */
export function checkAll(backend: Backend, o: AgreementOptions): OpReport[] {
  const options = { numRuns: o.numRuns, seed: o.seed, maxSide: o.maxSide, shapes: 'small' as const };
  return (['matmul', 'conv2d', 'conv2dBackwardInput', 'conv2dBackwardFilter'] as const).map((op) =>
    asOpReport(checkOp(backend, op, options)),
  );
}
