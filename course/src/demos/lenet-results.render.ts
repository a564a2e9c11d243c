import type { DemoOutput } from '../output.js';
import { type LENET_RESULT_FILES, type LenetResultFile, lenetResults } from './lenet-results.js';

const pct = (v: number) => `${v.toFixed(2)}%`;
const ms = (m: { mean: number; std: number }) => `${m.mean.toFixed(2)} ± ${m.std.toFixed(2)}%`;

/** One Markdown table of a run: seed, validation, test, and the mean ± sd row. */
export function runTable(f: LenetResultFile): string {
  const validation = f.validationAccuracy !== null;
  const head = validation
    ? '| seed | validation | official test |\n|---:|---:|---:|'
    : '| seed | official test |\n|---:|---:|';
  const rows = f.rows.map((r) =>
    validation
      ? `| ${r.seed} | ${pct(r.validationAccuracy!)} | ${pct(r.testAccuracy)} |`
      : `| ${r.seed} | ${pct(r.testAccuracy)} |`,
  );
  const mean = validation
    ? `| **mean ± sd** | **${ms(f.validationAccuracy!)}** | **${ms(f.testAccuracy)}** |`
    : `| **mean ± sd** | **${ms(f.testAccuracy)}** |`;
  return [head, ...rows, mean].join('\n');
}

const source = (f: LenetResultFile, name: string) =>
  `\`${f.provenance.command}\` — commit ${f.provenance.commit.slice(0, 7)}${f.provenance.dirty ? ' (uncommitted changes)' : ''}, ${f.provenance.backend ?? 'backend not recorded'}, ${f.provenance.threads} thread(s), ${f.provenance.machine.cpu} ${f.provenance.machine.cores} cores ([${name}.json](src:docs/results/${name}.json))`;

export async function render(): Promise<DemoOutput> {
  const r = lenetResults();
  const f = r.files;
  const speed = (name: (typeof LENET_RESULT_FILES)[number]) =>
    f[name].rows.map((row) => row.examplesPerSecond.toFixed(0)).join(', ');
  const markdown = `#### The course's flow: 7,500 training digits, 3 epochs

Nabla — ${source(f['lenet-course'], 'lenet-course')}:

${runTable(f['lenet-course'])}

PyTorch, the same recipe and semantics — ${source(f['pytorch-lenet-course'], 'pytorch-lenet-course')}:

${runTable(f['pytorch-lenet-course'])}

#### All 60,000 training digits, 3 epochs, no validation split

Nabla — ${source(f['lenet-full'], 'lenet-full')}:

${runTable(f['lenet-full'])}

PyTorch — ${source(f['pytorch-lenet-full'], 'pytorch-lenet-full')}:

${runTable(f['pytorch-lenet-full'])}

Training speed recorded with the runs (images/s per seed, on a machine shared with other jobs, so
only indicative): Nabla ${speed('lenet-course')} (7,500 digits), ${speed('lenet-full')} (60,000);
PyTorch ${speed('pytorch-lenet-course')}, ${speed('pytorch-lenet-full')}.`;
  return { name: 'lenet-results', figures: r, markdown };
}
