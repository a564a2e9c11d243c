/** What one `pnpm bench` run was asked to do, from its command line. */
export interface BenchOptions {
  /** Short budgets and single calls: a smoke run that proves every row runs, not a measurement. */
  quick: boolean;
  /** Only cases whose name matches (`--only conv`). */
  only: RegExp | null;
  /** Only these libraries (`--libs nabla,tfjs-wasm`); null runs them all. */
  libs: Set<string> | null;
  /** Seconds of sampling per row (benchmark.js `maxTime`). */
  budget: number;
}

export const SUITES = ['kernels', 'train', 'alexnet', 'e2e'] as const;
export type SuiteName = (typeof SUITES)[number];

export interface ParsedArgs {
  suites: SuiteName[];
  /** `report`: rebuild RESULTS.md from the JSON already in results/, run nothing. */
  reportOnly: boolean;
  options: Omit<BenchOptions, 'budget'> & { budget: number | null };
}

const USAGE = `usage: main.ts [all|report|${SUITES.join('|')}]... [--quick] [--only REGEX] [--libs a,b] [--budget SECONDS]`;

export function parseArgs(argv: readonly string[]): ParsedArgs {
  const suites: SuiteName[] = [];
  let quick = false;
  let only: RegExp | null = null;
  let libs: Set<string> | null = null;
  let budget: number | null = null;
  let reportOnly = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') continue;
    if (arg === '--quick') quick = true;
    else if (arg === '--only') only = new RegExp(argv[++i] ?? '', 'i');
    else if (arg === '--libs') libs = new Set((argv[++i] ?? '').split(',').filter(Boolean));
    else if (arg === '--budget') budget = Number(argv[++i]);
    else if (arg === 'all') suites.push(...SUITES);
    else if (arg === 'report') reportOnly = true;
    else if ((SUITES as readonly string[]).includes(arg)) suites.push(arg as SuiteName);
    else if (arg === '--help' || arg === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else throw new Error(`unknown argument '${arg}'\n${USAGE}`);
  }
  if (budget !== null && !(budget > 0))
    throw new Error(`--budget must be a positive number of seconds\n${USAGE}`);
  return {
    suites: reportOnly ? [] : suites.length ? [...new Set(suites)] : [...SUITES],
    reportOnly,
    options: { quick, only, libs, budget },
  };
}
