import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomicSync } from '@nabla/io/node';
import { provenance } from '@nabla/examples/provenance';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/**
 * Where the demos' outputs live: docs/generated/. The course pages (docs/course/*.md) include a
 * demo's Markdown fragment with `<!--@include: ../generated/<name>.md-->`; the fragment shows the
 * real numbers and plots of the last `pnpm --filter @nabla/course render`, and the JSON beside it
 * records the figures with their provenance (command, commit, threads, machine).
 */
export const GENERATED_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../docs/generated');

/** What one demo produced: its figures (any JSON), a Markdown fragment and Vega-Lite plots. */
export interface DemoOutput {
  /** File stem: docs/generated/<name>.json, <name>.md, <name>-<plot>.svg. */
  name: string;
  /** The numbers the demo's test asserts, as JSON. */
  figures: object;
  /** The fragment a course page includes; reference plot `p` as `../generated/<name>-<p>.svg`. */
  markdown: string;
  /** Plots by name, each a Vega-Lite spec rendered to a static SVG. */
  plots?: Record<string, TopLevelSpec>;
  /** Threads the demo ran with (1 unless it says otherwise). */
  threads?: number;
}

/** Renders a Vega-Lite spec to SVG in Node (no canvas needed for SVG). */
export async function vegaLiteToSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}

/**
 * Whether the tree had uncommitted changes outside docs/generated/: a render rewrites the outputs
 * it describes, so counting them would mark every demo after the first of a run as dirty.
 */
function dirtyOutsideGenerated(): boolean {
  const root = resolve(GENERATED_DIR, '../..');
  try {
    const status = execFileSync(
      'git',
      ['status', '--porcelain', '--untracked-files=no', '--', '.', ':(exclude)docs/generated'],
      { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
    );
    return status.trim() !== '';
  } catch {
    return true;
  }
}

/** Writes a demo's JSON (with provenance), Markdown fragment and SVG plots, each atomically. */
export async function writeDemoOutput(output: DemoOutput, command: string): Promise<string[]> {
  mkdirSync(GENERATED_DIR, { recursive: true });
  const written: string[] = [];
  const write = (file: string, text: string) => {
    const path = join(GENERATED_DIR, file);
    writeFileAtomicSync(path, new TextEncoder().encode(text));
    written.push(path);
  };
  const record = {
    provenance: { ...provenance(command, output.threads ?? 1), dirty: dirtyOutsideGenerated() },
    figures: output.figures,
  };
  write(`${output.name}.json`, `${JSON.stringify(record, null, 2)}\n`);
  for (const [plot, spec] of Object.entries(output.plots ?? {})) {
    write(`${output.name}-${plot}.svg`, await vegaLiteToSvg(spec));
  }
  const source = `<sub>Output of \`${command}\` at commit ${record.provenance.commit.slice(0, 7)}${
    record.provenance.dirty ? ' (uncommitted changes)' : ''
  }, ${record.provenance.threads} thread(s), ${record.provenance.machine.cpu}; figures in [${output.name}.json](src:docs/generated/${output.name}.json).</sub>`;
  write(`${output.name}.md`, `${output.markdown.trimEnd()}\n\n${source}\n`);
  return written;
}
