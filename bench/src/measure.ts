import Benchmark from 'benchmark';

/** How long one call of a row's function takes, as benchmark.js (or a single timed call) saw it. */
export interface Measurement {
  /** Mean seconds per call. */
  seconds: number;
  /** benchmark.js's relative margin of error, in percent (null for a single call). */
  rme: number | null;
  /** Samples behind the mean. */
  samples: number;
  /** The fastest sample's seconds per call: on a shared machine, the least disturbed one. */
  fastest: number;
  /**
   * 'benchmark.js' when sampled; 'single call' when the warm-up call exceeded the row's budget and
   * one more call was timed; 'cold call' when the warm-up call alone took over 4× the budget (and
   * over 5 s) and is
   * the figure (TF.js cpu's filter gradient, ConvNetJS training: tens of seconds a call);
   * 'one run' for a whole command timed once (the end-to-end suite).
   */
  method: 'benchmark.js' | 'single call' | 'cold call' | 'one run';
}

function seconds(fn: () => void): number {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

function run(bench: Benchmark): Promise<Benchmark> {
  return new Promise((resolve, reject) => {
    bench.on('complete', () => {
      if (bench.error) reject(bench.error);
      else resolve(bench);
    });
    bench.run({ async: true });
  });
}

/**
 * Times `fn` with benchmark.js for about `budget` seconds, after one warm-up call (which also
 * tells how slow the row is). Rows whose single call already takes longer than the budget
 * (TF.js cpu training LeNet takes tens of seconds a step) are reported from one call, and say
 * so, rather than stretching the run to benchmark.js's five samples.
 * Calls slower than 20 ms run in benchmark.js's deferred mode: one call per sample, no extra
 * pretest call per sample.
 */
export async function measure(name: string, fn: () => void, budget: number): Promise<Measurement> {
  const first = seconds(fn);
  if (first >= Math.max(4 * budget, 5))
    return { seconds: first, rme: null, samples: 1, fastest: first, method: 'cold call' };
  if (first >= budget) {
    const once = seconds(fn);
    return { seconds: once, rme: null, samples: 1, fastest: once, method: 'single call' };
  }
  const slow = first > 0.02;
  const minSamples = slow ? Math.max(2, Math.min(5, Math.floor(budget / first / 2))) : 5;
  const bench = slow
    ? new Benchmark(name, {
        defer: true,
        fn: (deferred: Benchmark.Deferred) => {
          fn();
          deferred.resolve();
        },
        maxTime: budget,
        minSamples,
        delay: 0,
      })
    : new Benchmark(name, fn, { maxTime: budget, minSamples, delay: 0 });
  const done = await run(bench);
  const { mean, rme, sample } = done.stats;
  return { seconds: mean, rme, samples: sample.length, fastest: Math.min(...sample), method: 'benchmark.js' };
}
