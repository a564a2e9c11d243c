import { loadGermanCredit } from '@nabla/data/node';
import type { DemoOutput } from '../output.js';
import { creditData } from './credit.js';

/** `pnpm --filter @nabla/course render credit-data`: the data the credit example learns from. */
export async function render(): Promise<DemoOutput> {
  const d = creditData(loadGermanCredit());
  const dataMarkdown = [
    `German Credit (Statlog, UCI): **${d.applications.toLocaleString('en-US')} past applications**, each with ${d.attributes} attributes ` +
      `(${d.numeric.length} numbers: ${d.numeric.join(', ')}; ${d.categorical} coded categories such as the checking account, the credit history, the purpose) ` +
      `and what happened: **${d.good} good** customers, **${d.bad} bad**. A bad customer approved costs ${d.cost.badApproved}, a good one rejected ${d.cost.goodRejected}.`,
    '',
    '| application | age | duration (months) | amount (DM) | purpose | outcome |',
    '|---:|---:|---:|---:|---|---|',
    ...d.firstRows.map(
      (r, i) =>
        `| ${i + 1} | ${r.age} | ${r.duration} | ${r.creditAmount.toLocaleString('en-US')} | ${r.purpose} | ${r.label} |`,
    ),
  ].join('\n');
  return { name: 'credit-data', figures: d, markdown: dataMarkdown };
}
