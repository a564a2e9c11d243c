import assert from 'node:assert/strict';
import { test } from 'node:test';
import { propertySeed } from '@nabla/tensor/testing';
import { GRADCHECK_ATOL, GRADCHECK_RTOL } from './gradcheck.js';
import { gradcheckCases } from './gradcheck-cases.js';
import { formatGradcheckTable, runGradcheckSuite } from './gradcheck-suite.js';

// Every op the issue names must have a row in the suite.
const required = [
  'add',
  'sub',
  'mul',
  'div',
  'neg',
  'exp',
  'log',
  'sqrt',
  'pow',
  'abs',
  'square',
  'maximum',
  'minimum',
  'where',
  'clamp',
  'sigmoid',
  'tanh',
  'relu',
  'leakyRelu',
  'sum',
  'mean',
  'max',
  'min',
  'variance',
  'matmul',
  'linear',
  'reshape',
  'transpose',
  'permute',
  'slice',
  'concat',
  'stack',
  'pad',
  'flatten',
  'expand',
  'squeeze',
  'unsqueeze',
  'conv2d',
  'maxPool2d',
  'avgPool2d',
  'softmax',
  'logSoftmax',
  'crossEntropy (labels)',
  'crossEntropy (probabilities)',
  'crossEntropy (raw targets)',
  'quadraticLoss',
  'mseLoss',
  'binaryCrossEntropy',
  'binaryCrossEntropyWithLogits',
  'dropout',
  'batchNorm',
  'localResponseNorm',
];

test('the gradient-check suite covers every differentiable op and passes every row', () => {
  const lines: string[] = [];
  const rows = runGradcheckSuite({ casesPerOp: 3, seed: propertySeed(), log: (l) => lines.push(l) });
  assert.equal(rows.length, gradcheckCases.length);
  for (const op of required)
    assert.ok(
      rows.some((r) => r.op === op),
      `no row for ${op}`,
    );
  assert.ok(rows.filter((r) => r.op.startsWith('composite')).length >= 2);
  const failed = rows.filter((r) => !r.ok);
  assert.deepEqual(failed, [], lines.join('\n'));
  for (const r of rows) {
    assert.equal(r.cases, 3);
    // Every op within the error model's tolerance: never looser than atol 1e-8, rtol 1e-6.
    assert.ok(r.atol <= GRADCHECK_ATOL && r.rtol <= GRADCHECK_RTOL, `${r.op}: atol ${r.atol} rtol ${r.rtol}`);
    assert.ok(r.toleranceUsed <= 1 && r.maxAbsError < 1e-8, `${r.op}: ${r.maxAbsError}`);
  }
  assert.match(lines.at(-1)!, new RegExp(`^${rows.length}/${rows.length} ops pass`));
  assert.match(formatGradcheckTable(rows), /conv2d\s+3\s+1e-6\s+1e-8\s+1e-6\s+\S+\s+\S+\s+\S+\s+ok/);
});

test('the suite reports a failing op instead of throwing, with the case that failed', () => {
  const rows = runGradcheckSuite({ casesPerOp: 2, only: ['sigmoid'], atol: 0, rtol: 0, eps: 1e-1 });
  assert.equal(rows.length, 1);
  assert.equal(rows[0]!.ok, false);
  assert.match(rows[0]!.failure!, /\[/);
});
