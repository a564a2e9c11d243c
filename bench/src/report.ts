import { mkdirSync, readFileSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { LIBS, type LibId, libLabel } from './libs.js';
import { SUITES } from './options.js';
import { formatFigure } from './report-format.js';
import { type CaseResult, ratio, type SuiteResult } from './results.js';
import { issue12Markdown, targetsMarkdown } from './targets.js';

export const RESULTS_DIR = path.resolve(import.meta.dirname, '..', 'results');

function formatRatio(x: number): string {
  return `${x >= 10 ? x.toFixed(0) : x >= 1 ? x.toFixed(1) : x.toFixed(2)}×`;
}

function cell(c: CaseResult, lib: LibId): string {
  const row = c.rows.find((r) => r.lib === lib);
  if (!row) return '';
  if (row.status !== 'ok' || row.figure === null) return row.status;
  const method = row.measurement?.method;
  const one =
    method === 'single call' ? ' †' : method === 'cold call' ? ' ‡' : method === 'one run' ? ' §' : '';
  return formatFigure(row.figure) + one;
}

/** The suite as a markdown table: one row per case, one column per library, then Nabla ÷ each peer. */
export function markdownTable(suite: SuiteResult): string {
  const libs = LIBS.map((l) => l.id).filter((id) =>
    suite.cases.some((c) => c.rows.some((r) => r.lib === id)),
  );
  const peers = libs.filter((id) => id !== 'nabla');
  const head = ['work', 'unit', ...libs.map(libLabel), ...peers.map((p) => `Nabla ÷ ${libLabel(p)}`)];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map((_, i) => (i < 2 ? '---' : '---:')).join('|')}|`];
  for (const c of suite.cases) {
    const ratios = peers.map((p) => {
      const row = c.rows.find((r) => r.lib === p);
      const x = row ? ratio(c, row) : null;
      return x === null ? '' : formatRatio(x);
    });
    lines.push(`| ${[c.name, c.unit, ...libs.map((l) => cell(c, l)), ...ratios].join(' | ')} |`);
  }
  return lines.join('\n');
}

/** Why a cell says n/a or error, one line each. */
export function missingRows(suite: SuiteResult): string[] {
  const out: string[] = [];
  for (const c of suite.cases) {
    for (const r of c.rows) {
      if (r.status !== 'ok')
        out.push(`${c.name}, ${libLabel(r.lib)}: ${r.status}${r.note ? ` (${r.note})` : ''}`);
    }
  }
  return out;
}

function machineLine(s: SuiteResult): string {
  const m = s.machine;
  return (
    `${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, Node ${m.node}, ${m.platform}; ${m.date.slice(0, 16).replace('T', ' ')} UTC; ` +
    `commit ${m.commit?.slice(0, 12) ?? 'not recorded'}, Nabla on ${m.threads ?? 1} thread(s); ` +
    `load average ${m.loadAverage} at start, ${s.loadAverageAfter} at end${s.quick ? '; **--quick run: smoke figures, short samples**' : ''}`
  );
}

export function suiteMarkdown(s: SuiteResult): string {
  const parts = [`### ${s.title}`, '', machineLine(s), ''];
  const peers = Object.entries(s.peers).map(([k, v]) => `${k} ${v}`);
  const nabla = Object.entries(s.nabla).map(([k, v]) => `${k}: ${v}`);
  if (peers.length || nabla.length)
    parts.push(`Versions and settings: ${[...nabla, ...peers].join('; ')}.`, '');
  parts.push(markdownTable(s), '');
  const methods = new Set(s.cases.flatMap((c) => c.rows.map((r) => r.measurement?.method)));
  if (methods.has('single call')) {
    parts.push(
      '† one timed call after one warm-up call (a call outlasts the row budget), not benchmark.js samples.',
      '',
    );
  }
  if (methods.has('one run')) parts.push('§ the whole command run once, wall clock.', '');
  if (methods.has('cold call')) {
    parts.push(
      '‡ the warm-up call itself (a call outlasts 4× the row budget and 5 s), not benchmark.js samples.',
      '',
    );
  }
  if (s.notes.length) parts.push(...s.notes.map((n) => `- ${n}`), '');
  const missing = missingRows(s);
  if (missing.length) parts.push('Not measured:', '', ...missing.map((m) => `- ${m}`), '');
  return parts.join('\n');
}

function writeAtomic(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

/** Writes results/<suite>.json, then rebuilds results/RESULTS.md from every suite's latest JSON. */
export function saveSuite(s: SuiteResult): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `${s.suite}.json`);
  writeAtomic(file, `${JSON.stringify(s, null, 2)}\n`);
  writeCombined();
  return file;
}

export function writeCombined(): { file: string; suites: SuiteResult[] } {
  const suites: SuiteResult[] = [];
  for (const name of SUITES) {
    const file = path.join(RESULTS_DIR, `${name}.json`);
    if (existsSync(file)) suites.push(JSON.parse(readFileSync(file, 'utf8')) as SuiteResult);
  }
  const text = [
    '# Nabla benchmark results',
    '',
    'Written by `pnpm bench` (bench/src/report.ts); do not edit by hand. Every row of a table ran in the same',
    'process and the same run; compare ratios (Nabla ÷ peer, > 1 means Nabla is faster), not absolute figures,',
    'across machines. See bench/README.md for what each suite measures.',
    '',
    "### Issue 12's targets (Nabla ÷ TF.js wasm, one thread unless said; ✓✓ = moonshot)",
    '',
    issue12Markdown(suites),
    '',
    "### Issue 8's targets",
    '',
    targetsMarkdown(suites),
    '',
    ...suites.map(suiteMarkdown),
  ].join('\n');
  const file = path.join(RESULTS_DIR, 'RESULTS.md');
  writeAtomic(file, text);
  return { file, suites };
}
