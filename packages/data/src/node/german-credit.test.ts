import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { stratifiedKFold } from '../stratified-k-fold.js';
import { germanCreditPath, loadGermanCredit } from './german-credit.js';

// #region bundled-data
test('the bundled German Credit data: 1,000 applications, 700 good and 300 bad', () => {
  const { rows, labels } = loadGermanCredit();
  assert.equal(rows.length, 1000);
  assert.equal(
    labels.reduce((n, y) => n + y, 0),
    700,
  );
  assert.deepEqual(rows[0], {
    checkingAccount: 'A11',
    duration: 6,
    creditHistory: 'A34',
    purpose: 'A43',
    creditAmount: 1169,
    savings: 'A65',
    employmentSince: 'A75',
    installmentRate: 4,
    personalStatusSex: 'A93',
    otherDebtors: 'A101',
    residenceSince: 4,
    property: 'A121',
    age: 67,
    otherInstallmentPlans: 'A143',
    housing: 'A152',
    existingCredits: 2,
    job: 'A173',
    peopleLiable: 1,
    telephone: 'A192',
    foreignWorker: 'A201',
  });
  // 10-fold stratified: each test fold holds 70 good and 30 bad.
  for (const fold of stratifiedKFold(labels, 10)) {
    assert.equal(fold.test.length, 100);
    assert.equal([...fold.test].filter((i) => labels[i] === 1).length, 70);
  }
});
// #endregion bundled-data

test('the data ships with the package, with its documentation and CC BY 4.0 attribution', () => {
  const dir = germanCreditPath().replace(/german\.data$/, '');
  for (const f of ['german.data', 'german.doc', 'README.md']) assert.ok(existsSync(dir + f), f);
  assert.match(readFileSync(`${dir}README.md`, 'utf8'), /CC BY 4\.0/);
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  assert.ok(pkg.files.includes('datasets'));
  assert.throws(
    () => loadGermanCredit('/nonexistent/german.data'),
    /loadGermanCredit: cannot read \/nonexistent\/german\.data: no such file/,
  );
});
