// The cpu backend against the reference backend (the oracle), kernel by kernel, under the float32
// (and float64) rounding bound of each output's sum: see testing/error-bound.ts. Shapes include the
// cpu GEMM's tile and block edges and its direct-loop paths (single-channel 3×3, 2×2 max pooling).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkBackend, checkOp, OPTIONAL_OPS, REQUIRED_OPS } from '../testing/index.js';
import { createCpuBackend } from './index.js';

for (const dtype of ['float32', 'float64'] as const) {
  test(`cpu kernels (${dtype}) agree with the reference within the rounding bound of Σ|terms|`, () => {
    const reports = checkBackend(createCpuBackend(), { numRuns: dtype === 'float32' ? 40 : 15, dtype });
    assert.deepEqual(
      reports.map((r) => r.op),
      [...REQUIRED_OPS, ...OPTIONAL_OPS],
      'the cpu provides every optional kernel, and each was checked',
    );
    for (const r of reports) {
      assert.ok(r.cases > 0 && r.ratio <= 1, `${r.op}: ${r.ratio} of its bound at ${r.worst}`);
    }
  });
}

test('the GEMM-backed cpu kernels agree with the reference on shapes at the GEMM tile and block edges', () => {
  // Only the edge family here, so each edge (rows past MB = 1024, columns past NC = 512, a reduction
  // past KC = 256, rows past MC = 96) is crossed several times per run, not by chance.
  const cpu = createCpuBackend();
  for (const op of [
    'matmul',
    'conv2d',
    'conv2dBackwardInput',
    'conv2dBackwardFilter',
    'fusedConv2d',
  ] as const) {
    const r = checkOp(cpu, op, { numRuns: 25, shapes: 'gemm-edges' });
    assert.ok(r.cases === 25 && r.ratio <= 1, `${op}: ${r.ratio} of its bound at ${r.worst}`);
  }
});
