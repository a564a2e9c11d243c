import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  APPROVE,
  GERMAN_CREDIT_ATTRIBUTES,
  GERMAN_CREDIT_COST,
  germanCreditColumns,
  germanCreditCost,
  parseGermanCredit,
  REJECT,
} from './german-credit.js';
import { TabularEncoder } from './tabular-encoder.js';

const LINE = 'A11 6 A34 A43 1169 A65 A75 4 A93 A101 4 A121 67 A143 A152 2 A173 1 A192 A201';

test('parseGermanCredit names the attributes and maps good to approve (1) and bad to reject (0)', () => {
  const { rows, labels } = parseGermanCredit(`${LINE} 1\n${LINE} 2\n`);
  assert.equal(rows.length, 2);
  assert.deepEqual([...labels], [APPROVE, REJECT]);
  assert.equal(rows[0]!.checkingAccount, 'A11');
  assert.equal(rows[0]!.creditAmount, 1169);
  assert.equal(rows[0]!.age, 67);
  assert.equal(rows[0]!.foreignWorker, 'A201');
  assert.deepEqual([...parseGermanCredit(`${LINE} 1\r\n${LINE} 0`).labels], [1, 0]);
});

test('parseGermanCredit refuses malformed lines, naming the line and the attribute', () => {
  assert.throws(() => parseGermanCredit(`${LINE} 1\n${LINE}`), {
    name: 'FormatError',
    message: /line 2: expected 21 fields, got 20/,
  });
  assert.throws(
    () => parseGermanCredit(LINE.replace('A43', 'A99') + ' 1'),
    /attribute 4 \(Purpose\) has code 'A99'/,
  );
  assert.throws(
    () => parseGermanCredit(LINE.replace(' 67 ', ' -1 ') + ' 1'),
    /attribute 13 \(Age in years\) must be a non-negative integer/,
  );
  assert.throws(() => parseGermanCredit(`${LINE} 3`), /class must be 1 \(good\) or 2 or 0 \(bad\), got '3'/);
  assert.throws(
    () => parseGermanCredit(`${LINE} 2\n${LINE} 0`),
    /line 2: class 0 for bad, but earlier lines used 2/,
  );
  assert.throws(() => parseGermanCredit('\n'), /holds no applications/);
});

test('the cost matrix: a bad applicant approved costs 5, a good one rejected costs 1', () => {
  assert.deepEqual(GERMAN_CREDIT_COST, { badApproved: 5, goodRejected: 1 });
  const labels = Int32Array.from([1, 1, 0, 0]);
  assert.equal(germanCreditCost(labels, [1, 0, 1, 0]), 6);
  assert.equal(germanCreditCost(labels, [1, 1, 1, 1]), 10);
  assert.throws(() => germanCreditCost(labels, [1, 1]), /4 labels but 2 predictions/);
  assert.throws(() => germanCreditCost(labels, [1, 1, 2, 0]), /entry 2/);
});

test('germanCreditColumns one-hot encodes every documented code: 7 numbers and 56 codes', () => {
  const codes = GERMAN_CREDIT_ATTRIBUTES.reduce((n, a) => n + (a.codes ? Object.keys(a.codes).length : 0), 0);
  assert.equal(GERMAN_CREDIT_ATTRIBUTES.length, 20);
  assert.equal(codes, 56); // 4 + 5 + 11 + 5 + 5 + 5 + 3 + 4 + 3 + 3 + 4 + 2 + 2
  const { rows } = parseGermanCredit(`${LINE} 1\n${LINE.replace(' 67 ', ' 23 ')} 2`);
  const enc = new TabularEncoder(germanCreditColumns()).fit(rows);
  assert.equal(enc.featureNames.length, 7 + 56);
  assert.ok(enc.featureNames.includes('purpose=A47'));
});
