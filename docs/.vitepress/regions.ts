// Region markers and references to source code, resolved without VitePress: the Markdown plugin
// (markdown-source.ts), the source pages (source/[path].paths.ts) and the docs check (site.test.ts)
// all call these functions, so the build and the check cannot disagree on what a reference means.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, join, posix, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (docs/.vitepress/../..). */
export const repositoryRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
/** The site's source folder (docs/). */
export const docsRoot = join(repositoryRoot, 'docs');

/** A named span of lines in a file; line numbers are 1-based and exclude the marker lines. */
export interface Region {
  name: string;
  /** The line holding `#region <name>`. */
  markerLine: number;
  /** The first and last line between the markers (start > end when the region is empty). */
  start: number;
  end: number;
}

// `// #region name`, `# #region name` (Python, shell), `% #region name` (Matlab),
// `<!-- #region name -->` (Markdown, Vue).
const markerRE = /^\s*(?:\/\/|#|%|<!--)\s*#(region|endregion)\b[ \t]*([^\s]*)[ \t]*(?:-->)?\s*$/;
const nameRE = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** Whether a line is a region marker (dropped from excerpts and source pages' excerpts). */
export function isMarkerLine(line: string): boolean {
  return markerRE.test(line);
}

/** The regions of a file's text, or the marker errors (each names the file and the line). */
export function parseRegions(text: string, file: string): { regions: Map<string, Region>; errors: string[] } {
  const lines = splitLines(text);
  const regions = new Map<string, Region>();
  const errors: string[] = [];
  const open: { name: string; line: number }[] = [];
  lines.forEach((line, index) => {
    const match = markerRE.exec(line);
    if (!match) return;
    const [, kind, name] = match;
    const at = `${file}:${index + 1}`;
    if (!name) {
      errors.push(`${at}: '#${kind}' without a name (write '#${kind} <kebab-case-name>')`);
      return;
    }
    if (!nameRE.test(name)) errors.push(`${at}: region name '${name}' is not kebab-case`);
    if (kind === 'region') {
      if (regions.has(name) || open.some((o) => o.name === name))
        errors.push(`${at}: region '${name}' is defined twice in this file`);
      open.push({ name, line: index + 1 });
      return;
    }
    const top = open.at(-1);
    if (!top) {
      errors.push(`${at}: '#endregion ${name}' without a matching '#region ${name}'`);
      return;
    }
    if (top.name !== name) {
      errors.push(`${at}: '#endregion ${name}' closes region '${top.name}' (opened at line ${top.line})`);
      if (!open.some((o) => o.name === name)) return;
      while (open.at(-1)?.name !== name) open.pop();
    }
    const opened = open.pop()!;
    if (!regions.has(name))
      regions.set(name, { name, markerLine: opened.line, start: opened.line + 1, end: index });
  });
  for (const o of open) errors.push(`${file}:${o.line}: region '${o.name}' has no '#endregion ${o.name}'`);
  return { regions, errors };
}

/** A reference written on a page: `path` from the repository root, `region` after the `#`. */
export interface SourceReference {
  path: string;
  region?: string;
}

/** Splits `packages/x/y.ts#name` into path and region. */
export function parseReference(text: string): SourceReference {
  const hash = text.indexOf('#');
  if (hash < 0) return { path: text.trim() };
  return { path: text.slice(0, hash).trim(), region: text.slice(hash + 1).trim() };
}

/** A resolved reference: the excerpt to show and the lines it came from. */
export interface ResolvedSource {
  path: string;
  region?: string;
  /** The excerpt: the region's lines without marker lines, dedented (or the whole file). */
  code: string;
  /** Fence language from the file's extension. */
  language: string;
  /** First and last line (1-based) of the region in the file; the whole file when no region. */
  start: number;
  end: number;
  /** The number of lines in the file. */
  lineCount: number;
  /**
   * The file's line number of the excerpt's first line, when the excerpt is the file's lines
   * unchanged (no marker lines dropped from inside it); undefined otherwise.
   */
  firstLine?: number;
}

/** Raised when a reference does not resolve; the message names the page, the path and the region. */
export class SourceReferenceError extends Error {
  override name = 'SourceReferenceError';
}

const fileCache = new Map<string, { mtimeMs: number; text: string }>();

/** A repository file's text (cached by modification time, so the dev server sees edits). */
export function readRepositoryFile(path: string): string {
  const absolute = join(repositoryRoot, path);
  const { mtimeMs } = statSync(absolute);
  const cached = fileCache.get(absolute);
  if (cached && cached.mtimeMs === mtimeMs) return cached.text;
  const text = readFileSync(absolute, 'utf8');
  fileCache.set(absolute, { mtimeMs, text });
  return text;
}

/**
 * Why `path` cannot be shown as a repository file, or undefined when it can: it must be relative to
 * the repository root, stay inside it, name a file (not a folder) and not be a build output.
 */
export function checkRepositoryPath(path: string): string | undefined {
  if (path === '') return 'the path is empty';
  if (path.startsWith('/') || path.startsWith('./') || path.startsWith('../'))
    return `'${path}' must be written from the repository root (like packages/tensor/src/ndarray.ts), not relative or absolute`;
  const normalized = posix.normalize(path);
  if (normalized !== path || normalized.startsWith('..'))
    return `'${path}' is not a normalized repository path`;
  if (/(^|\/)(node_modules|dist|\.git|\.turbo)(\/|$)/.test(path))
    return `'${path}' is a dependency or build output, not source`;
  const absolute = join(repositoryRoot, path);
  if (!existsSync(absolute)) return `'${path}' does not exist`;
  if (!statSync(absolute).isFile()) return `'${path}' is a folder, not a file (link one of its files)`;
  if (gitIgnored(path)) return `'${path}' is ignored by git (generated), so a fresh clone does not have it`;
  return undefined;
}

const ignoredCache = new Map<string, boolean>();

/** Whether git ignores the file (false where git or the repository is not available). */
function gitIgnored(path: string): boolean {
  let ignored = ignoredCache.get(path);
  if (ignored === undefined) {
    const run = spawnSync('git', ['check-ignore', '-q', path], { cwd: repositoryRoot });
    ignored = run.status === 0;
    ignoredCache.set(path, ignored);
  }
  return ignored;
}

/** Resolves a reference to its excerpt and lines, or throws a SourceReferenceError naming `page`. */
export function resolveSource(reference: SourceReference, page: string): ResolvedSource {
  const where = `${page}: source reference '${reference.path}${reference.region === undefined ? '' : `#${reference.region}`}'`;
  const problem = checkRepositoryPath(reference.path);
  if (problem) throw new SourceReferenceError(`${where}: ${problem}`);
  const text = readRepositoryFile(reference.path);
  const lines = splitLines(text);
  const language = languageOf(reference.path);
  if (reference.region === undefined) {
    const kept = lines.filter((line) => !isMarkerLine(line));
    return {
      path: reference.path,
      code: dedent(kept).join('\n'),
      language,
      start: 1,
      end: lines.length,
      lineCount: lines.length,
      firstLine: kept.length === lines.length ? 1 + leadingBlank(lines) : undefined,
    };
  }
  if (reference.region === '') throw new SourceReferenceError(`${where}: the region name after '#' is empty`);
  const { regions, errors } = parseRegions(text, reference.path);
  if (errors.length > 0)
    throw new SourceReferenceError(
      `${where}: the file's region markers are broken:\n  ${errors.join('\n  ')}`,
    );
  const region = regions.get(reference.region);
  if (!region) {
    const known = [...regions.keys()];
    throw new SourceReferenceError(
      `${where}: no region '${reference.region}' in ${reference.path} (its regions: ${known.length > 0 ? known.join(', ') : 'none; add // #region <name> … // #endregion <name> around the lines'})`,
    );
  }
  const span = lines.slice(region.start - 1, region.end);
  const body = span.filter((line) => !isMarkerLine(line));
  if (body.every((line) => line.trim() === ''))
    throw new SourceReferenceError(`${where}: region '${reference.region}' is empty`);
  return {
    path: reference.path,
    region: reference.region,
    code: dedent(body).join('\n'),
    language,
    start: region.start,
    end: region.end,
    lineCount: lines.length,
    firstLine: body.length === span.length ? region.start + leadingBlank(span) : undefined,
  };
}

function leadingBlank(lines: string[]): number {
  let n = 0;
  while (n < lines.length && lines[n].trim() === '') n++;
  return n;
}

/** Removes the indentation common to all non-blank lines, and leading/trailing blank lines. */
export function dedent(lines: string[]): string[] {
  let first = 0;
  let last = lines.length;
  while (first < last && lines[first].trim() === '') first++;
  while (last > first && lines[last - 1].trim() === '') last--;
  const kept = lines.slice(first, last);
  const indents = kept.filter((line) => line.trim() !== '').map((line) => /^[ \t]*/.exec(line)![0].length);
  const cut = indents.length > 0 ? Math.min(...indents) : 0;
  return kept.map((line) => line.slice(Math.min(cut, /^[ \t]*/.exec(line)![0].length)));
}

const languages: Record<string, string> = {
  '.ts': 'ts',
  '.mts': 'ts',
  '.cts': 'ts',
  '.tsx': 'tsx',
  '.js': 'js',
  '.mjs': 'js',
  '.cjs': 'js',
  '.json': 'json',
  '.py': 'python',
  '.m': 'matlab',
  '.sh': 'bash',
  '.md': 'md',
  '.vue': 'vue',
  '.html': 'html',
  '.css': 'css',
  '.yaml': 'yaml',
  '.yml': 'yaml',
  '.toml': 'toml',
  '.wat': 'wasm',
};

/** The fence language of a file, from its extension ('text' when unknown). */
export function languageOf(path: string): string {
  return languages[extname(path).toLowerCase()] ?? 'text';
}

/**
 * The page (under docs/, without `.md`) that shows a repository file: `source/` and the path with
 * its dots as underscores (packages/tensor/src/ndarray.ts → source/packages/tensor/src/ndarray_ts).
 * A page name without a file extension is one VitePress routes and checks like any other page
 * (it would skip the dead-link check of `…/ndarray.ts.html`, and strip the `.md` of `README.md`).
 */
export function sourcePageName(path: string): string {
  return `source/${path.replaceAll('.', '_')}`;
}

/** The site path of a repository file's source page (a Markdown path VitePress resolves and checks). */
export function sourcePagePath(path: string): string {
  return `/${sourcePageName(path)}.md`;
}

/** The link to a resolved reference: its source page, at the region's lines. */
export function sourceHref(resolved: ResolvedSource): string {
  const page = sourcePagePath(resolved.path);
  return resolved.region === undefined ? page : `${page}#L${resolved.start}-L${resolved.end}`;
}

/** The text of an excerpt's link: "relu.ts, lines 3–17". */
export function sourceLinkText(resolved: ResolvedSource): string {
  const name = basename(resolved.path);
  if (resolved.region === undefined) return `${name} (whole file, ${resolved.lineCount} lines)`;
  return resolved.start === resolved.end
    ? `${name}, line ${resolved.start}`
    : `${name}, lines ${resolved.start}–${resolved.end}`;
}

/** Splits text into lines (a final newline does not add an empty line). */
export function splitLines(text: string): string[] {
  const lines = text.split(/\r?\n/);
  if (lines.length > 1 && lines.at(-1) === '') lines.pop();
  return lines;
}

// ---------------------------------------------------------------------------------------------
// Scanning pages (outside fenced code) for the three kinds of reference.

/** One reference found on a page: where, what kind, and the raw target. */
export interface PageReference {
  kind: 'source' | 'src-link' | 'include';
  /** 1-based line in the page file. */
  line: number;
  target: string;
}

const sourceCommentRE = /^([ \t>]*)<!--\s*@source:\s*(.*?)\s*-->\s*$/;
const includeCommentRE = /<!--\s*@include:\s*(.*?)\s*-->/g;
const srcLinkRE = /\]\(\s*<?(src:[^)\s>]*)>?(?:\s+"[^"]*")?\s*\)/g;
const srcDefinitionRE = /^\s{0,3}\[[^\]]+\]:\s*<?(src:[^\s>]*)>?/;

/** Calls `visit` with each line of a Markdown text that lies outside fenced code blocks. */
export function forEachProseLine(text: string, visit: (line: string, index: number) => void): void {
  let fence: { char: string; length: number } | undefined;
  splitLines(text).forEach((line, index) => {
    const match = /^[ \t>]*?(`{3,}|~{3,})(.*)$/.exec(line);
    if (fence) {
      if (match && match[1][0] === fence.char && match[1].length >= fence.length && match[2].trim() === '')
        fence = undefined;
      return;
    }
    if (match && !(match[1][0] === '`' && match[2].includes('`'))) {
      fence = { char: match[1][0], length: match[1].length };
      return;
    }
    visit(line, index);
  });
}

/** Every `@source`, `src:` link and `@include` written in a Markdown text (outside fenced code). */
export function findPageReferences(text: string): PageReference[] {
  const found: PageReference[] = [];
  forEachProseLine(text, (line, index) => {
    const source = sourceCommentRE.exec(line);
    if (source) found.push({ kind: 'source', line: index + 1, target: source[2] });
    for (const m of line.matchAll(includeCommentRE))
      found.push({ kind: 'include', line: index + 1, target: m[1] });
    for (const m of line.matchAll(srcLinkRE)) found.push({ kind: 'src-link', line: index + 1, target: m[1] });
    const definition = srcDefinitionRE.exec(line);
    if (definition) found.push({ kind: 'src-link', line: index + 1, target: definition[1] });
  });
  return found;
}

/** The `<!--@source: …-->` line pattern (group 1: the line's prefix, group 2: the reference). */
export const sourceCommentPattern = sourceCommentRE;

/** Every Markdown file of the site's sources under docs/ (not build outputs, not the API reference). */
export function listMarkdownFiles(root = docsRoot): string[] {
  const skip = new Set(['node_modules', 'cache', 'dist', 'api', '.vitepress-test']);
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (skip.has(entry.name)) continue;
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile() && entry.name.endsWith('.md')) out.push(full);
    }
  };
  walk(root);
  return out.sort();
}

/** Repository-relative path of an absolute path, with forward slashes. */
export function repositoryPath(absolute: string): string {
  return relative(repositoryRoot, absolute).split(sep).join('/');
}

/**
 * The repository files that the site's pages reference (by `@source` or `src:`), each once, sorted:
 * the files that get a source page. References that do not resolve are skipped here; the page that
 * writes them fails the build with the reason.
 */
export function referencedFiles(root = docsRoot): string[] {
  const files = new Set<string>();
  for (const page of listMarkdownFiles(root)) {
    if (repositoryPath(page).startsWith('docs/source/')) continue;
    for (const reference of findPageReferences(readFileSync(page, 'utf8'))) {
      if (reference.kind === 'include') continue;
      const target = reference.kind === 'src-link' ? reference.target.slice('src:'.length) : reference.target;
      const { path } = parseReference(target);
      if (checkRepositoryPath(path) === undefined) files.add(path);
    }
  }
  return [...files].sort();
}
