/**
 * `pnpm bench [suite…] [--quick] [--only REGEX] [--libs a,b] [--budget S]`: runs the suites, each
 * row side by side with its peers in this one process, prints the tables with Nabla ÷ peer
 * ratios, and writes bench/results/<suite>.json and bench/results/RESULTS.md.
 */
import { setBackend } from '@nabla/tensor';
import { enableThreads } from '@nabla/tensor/node';
import { type BenchOptions, parseArgs, type SuiteName } from './options.js';
import { markdownTable, missingRows, saveSuite, writeCombined } from './report.js';
import { issue12Markdown, targetsMarkdown } from './targets.js';
import type { SuiteResult } from './results.js';

/** Seconds of sampling per row: [full run, --quick]. */
const BUDGET: Record<SuiteName, [number, number]> = {
  kernels: [1.5, 0.1],
  train: [6, 0.3],
  alexnet: [3, 0.2],
  e2e: [1, 1],
};

async function load(suite: SuiteName): Promise<(o: BenchOptions) => Promise<SuiteResult>> {
  switch (suite) {
    case 'kernels':
      return (await import('./suites/kernels.js')).kernelsSuite;
    case 'train':
      return (await import('./suites/train.js')).trainSuite;
    case 'alexnet':
      return (await import('./suites/alexnet.js')).alexnetSuite;
    case 'e2e':
      return (await import('./suites/e2e.js')).e2eSuite;
  }
}

async function main(): Promise<void> {
  const { suites, options } = parseArgs(process.argv.slice(2));
  // NABLA_THREADS=N runs Nabla's cpu kernels on N threads (worker_threads; 1, the default, is the
  // single-thread reference). Peers run as they ship: TF.js wasm on one thread in Node.
  const threads = Number(process.env.NABLA_THREADS ?? 1);
  if (!Number.isInteger(threads) || threads < 1)
    throw new Error(`NABLA_THREADS must be a positive integer, got ${process.env.NABLA_THREADS}`);
  // NABLA_BACKEND=cpu|wasm|reference picks Nabla's kernels (default: the automatic choice, wasm
  // where WebAssembly SIMD exists); threads then spread those kernels.
  if (process.env.NABLA_BACKEND) setBackend(process.env.NABLA_BACKEND);
  if (threads > 1) await enableThreads({ threads });
  const started = Date.now();
  for (const name of suites) {
    const budget = options.budget ?? BUDGET[name][options.quick ? 1 : 0];
    try {
      const run = await load(name);
      const result = await run({ ...options, budget });
      console.log(`\n${result.title}${result.quick ? ' (--quick)' : ''}\n`);
      console.log(markdownTable(result));
      const missing = missingRows(result);
      if (missing.length) console.log(`\nnot measured:\n${missing.map((m) => `  ${m}`).join('\n')}`);
      console.log(`\nwrote ${saveSuite(result)}`);
    } catch (e) {
      process.exitCode = 1;
      console.error(`\nsuite ${name} failed:`, e);
    }
  }
  const latest = writeCombined();
  console.log(`\nIssue 8's targets (latest results of each suite)\n\n${targetsMarkdown(latest.suites)}`);
  console.log(
    `\nIssue 12's targets (Nabla ÷ TF.js wasm in this run; ✓✓ = moonshot)\n\n${issue12Markdown(latest.suites)}`,
  );
  console.log(`\nwrote ${latest.file} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
}

await main();
