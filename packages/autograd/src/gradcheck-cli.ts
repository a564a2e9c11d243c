/**
 * `pnpm gradcheck`: runs the whole gradient-check suite, prints its table and exits non-zero on any
 * failure. Options: --cases N (per op), --seed S, --only name[,name…]; --mutants runs the mutation
 * suite instead (every deliberately broken backward must fail; exits non-zero if one survives).
 */
import { formatMutantTable, runMutationSuite } from './gradcheck-mutants.js';
import { runGradcheckSuite } from './gradcheck-suite.js';

// This file alone runs under Node; the package itself stays free of Node's types.
declare const process: { argv: string[]; exitCode?: number };
declare const console: { log(line: string): void };

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

if (process.argv.includes('--mutants')) {
  const rows = runMutationSuite({
    casesPerMutant: Number(option('cases') ?? 16),
    seed: Number(option('seed') ?? 0),
  });
  console.log(formatMutantTable(rows));
  const survivors = rows.filter((r) => r.caught === 0 || r.realPassed < r.cases);
  console.log(
    `${rows.length - survivors.length}/${rows.length} mutants caught, the real ops passing the same cases`,
  );
  process.exitCode = survivors.length === 0 ? 0 : 1;
} else {
  gradcheckAll();
}

function gradcheckAll(): void {
  const rows = runGradcheckSuite({
    casesPerOp: Number(option('cases') ?? 10),
    seed: Number(option('seed') ?? 0),
    only: option('only')?.split(','),
    log: (line) => console.log(line),
  });
  if (rows.length === 0) console.log(`no op matches --only ${option('only')}`);
  process.exitCode = rows.length > 0 && rows.every((r) => r.ok) ? 0 : 1;
}
