/**
 * Example 5 — LeNet, the course's Matlab flow on real digits, for several seeds.
 *   pnpm --filter @nabla/examples lenet              # seeds 0 1 2, the 7,500 / 2,500 split
 *   pnpm --filter @nabla/examples lenet -- --full    # all 60,000 training digits
 *   pnpm --filter @nabla/examples lenet -- --seeds 0 --epochs 1
 *   pnpm --filter @nabla/examples lenet -- --seeds 0 --plots   # the course's 'Plots','training-progress'
 *   … --json docs/results/lenet-course.json   # the figures with their provenance (commit, threads, machine)
 */
import { loadMnist } from '@nabla/data/node';
import { meanAndStd } from '@nabla/models';
import { runCourseLenet } from './lenet-course.js';
import { writeResultsFile } from './provenance.js';

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(name);
const value = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0
    ? args.slice(i + 1).filter((_, k, rest) => !rest.slice(0, k + 1).some((a) => a.startsWith('--')))
    : undefined;
};
const seeds = (value('--seeds') ?? ['0', '1', '2']).map(Number);
const epochs = Number(value('--epochs')?.[0] ?? 3);
const full = flag('--full');
const json = value('--json')?.[0];

const mnist = loadMnist();
const results = [];
for (const seed of seeds) {
  const started = Date.now();
  const r = await runCourseLenet(mnist, {
    seed,
    full,
    epochs,
    verbose: !flag('--quiet'),
    plots: flag('--plots') ? 'training-progress' : 'none',
  });
  results.push(r);
  console.log(
    `seed ${seed}: validation ${r.validationAccuracy?.toFixed(2) ?? 'n/a'}%, official test ${r.testAccuracy.toFixed(2)}%, ` +
      `${r.info.examplesPerSecond.toFixed(0)} img/s, ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
}
const test = meanAndStd(results.map((r) => r.testAccuracy));
console.log(
  `official test accuracy over ${seeds.length} seed(s): ${test.mean.toFixed(2)}% ± ${test.std.toFixed(2)}`,
);
if (json) {
  const validation = results.every((r) => r.validationAccuracy !== undefined)
    ? meanAndStd(results.map((r) => r.validationAccuracy!))
    : null;
  const written = writeResultsFile(json, `pnpm --filter @nabla/examples lenet -- ${args.join(' ')}`, 1, {
    recipe: { full, epochs, miniBatchSize: 128, initialLearnRate: 0.01, solver: 'sgdm' },
    rows: results.map((r) => ({
      seed: r.seed,
      validationAccuracy: r.validationAccuracy ?? null,
      testAccuracy: r.testAccuracy,
      examplesPerSecond: r.info.examplesPerSecond,
    })),
    testAccuracy: test,
    validationAccuracy: validation,
  });
  console.log(`results: ${written}`);
}
