// The site's Markdown plugin: code is pulled from the source at build time, never pasted.
//
//   <!--@source: packages/tensor/src/reference/relu.ts#relu-->   a fenced excerpt of the region and
//                                                                 a link "relu.ts, lines 3–17"
//   [text](src:packages/autograd/src/ops/activation.ts#sigmoid)   a link to the region's lines
//   [text](src:packages/autograd/src/ops/activation.ts)           a link to the whole file
//
// Both point at the file's source page (docs/source/[page].md). A reference that does not resolve
// throws, which fails `vitepress build` with the page, the path and the region in the message.
// `<!--@source:-->` is expanded in the text before markdown-it parses it; VitePress has already
// inlined `<!--@include:-->` fragments by then, so a fragment's own @source lines expand as well.
import type { MarkdownRenderer } from 'vitepress';
import {
  forEachProseLine,
  parseReference,
  type ResolvedSource,
  readRepositoryFile,
  repositoryPath,
  repositoryRoot,
  resolveSource,
  SourceReferenceError,
  sourceCommentPattern,
  sourceHref,
  sourceLinkText,
  splitLines,
  languageOf,
  checkRepositoryPath,
} from './regions.js';

type Token = ReturnType<MarkdownRenderer['parse']>[number];

interface PageEnv {
  /** The page's absolute path (VitePress sets it). */
  path?: string;
  relativePath?: string;
  includes?: string[];
}

const pagePrefix = 'source/';
const sourcePageRE = /^([ \t]*)<!--\s*@source-page:\s*(.*?)\s*-->\s*$/;
const leftoverIncludeRE = /<!--\s*@include:\s*(.*?)\s*-->/;
const sourcePageFlag = 'nabla-source-page';

/** The page being rendered, and the fragments it includes, for error messages. */
function describePage(env: PageEnv): string {
  const page = env.path ? repositoryPath(env.path) : `docs/${env.relativePath ?? '(unknown page)'}`;
  const fragments = (env.includes ?? [])
    .filter((file) => file.endsWith('.md') && file.startsWith(`${repositoryRoot}/docs/`))
    .map((file) => file.replace(`${repositoryRoot}/`, ''));
  return fragments.length > 0 ? `${page} (or a fragment it includes: ${fragments.join(', ')})` : page;
}

/** Tells VitePress's dev server to re-render the page when this source file changes. */
function watch(env: PageEnv, path: string): void {
  const absolute = `${repositoryRoot}/${path}`;
  if (env.includes && !env.includes.includes(absolute)) env.includes.push(absolute);
}

/** A fence long enough that no line of `code` closes it. */
function fenceFor(code: string): string {
  let longest = 2;
  for (const m of code.matchAll(/^[ \t]*(`{3,})/gm)) longest = Math.max(longest, m[1].length);
  return '`'.repeat(longest + 1);
}

/** The Markdown an `@source` line becomes: the excerpt, then the link to its lines. */
function excerptMarkdown(resolved: ResolvedSource, prefix: string): string {
  const fence = fenceFor(resolved.code);
  // Line numbers as in the file, when the excerpt is the region's lines unchanged (no nested
  // markers dropped; only leading blank lines trimmed).
  const info =
    resolved.firstLine === undefined
      ? resolved.language
      : `${resolved.language}:line-numbers=${resolved.firstLine}`;
  const lines = [
    `${fence}${info}`,
    ...splitLines(resolved.code),
    fence,
    '',
    `[${sourceLinkText(resolved)}](${sourceHref(resolved)}){.source-link}`,
    '',
  ];
  return lines.map((line) => (line === '' ? prefix.trimEnd() : prefix + line)).join('\n');
}

/** A source page's body: the whole file, every line numbered and anchored (#L12). */
function sourcePageMarkdown(path: string, env: PageEnv, prefix: string): string {
  const problem = checkRepositoryPath(path);
  if (problem) throw new SourceReferenceError(`${describePage(env)}: source page: ${problem}`);
  watch(env, path);
  const text = readRepositoryFile(path);
  const fence = fenceFor(text);
  return [`${fence}${languageOf(path)} ${sourcePageFlag}`, ...splitLines(text), fence]
    .map((line) => prefix + line)
    .join('\n');
}

/** Expands `<!--@source:-->` (and a source page's `<!--@source-page:-->`) in a page's Markdown. */
export function expandSourceComments(src: string, env: PageEnv): string {
  const lines = src.split('\n');
  const prose = new Set<number>();
  forEachProseLine(src, (_line, index) => prose.add(index));
  return lines
    .map((line, index) => {
      if (!prose.has(index)) return line;
      const source = sourceCommentPattern.exec(line.replace(/\r$/, ''));
      if (source) {
        const resolved = resolveSource(parseReference(source[2]), describePage(env));
        watch(env, resolved.path);
        return excerptMarkdown(resolved, source[1]);
      }
      const page = sourcePageRE.exec(line);
      if (page) return sourcePageMarkdown(page[2], env, page[1]);
      const include = leftoverIncludeRE.exec(line);
      // VitePress leaves an include it cannot read in place, silently; here it is an error.
      if (include)
        throw new SourceReferenceError(
          `${describePage(env)}: '<!--@include: ${include[1]}-->' does not resolve (no such file, relative to the page that includes it)`,
        );
      return line;
    })
    .join('\n');
}

/** Rewrites `src:` hrefs (inline links and reference definitions alike) to source pages. */
function rewriteSourceLinks(tokens: Token[], env: PageEnv): void {
  for (const token of tokens) {
    if (token.children) rewriteSourceLinks(token.children, env);
    if (token.type !== 'link_open') continue;
    const href = token.attrGet('href');
    if (!href?.startsWith('src:')) continue;
    const target = decodeURI(href.slice('src:'.length));
    const resolved = resolveSource(parseReference(target), describePage(env));
    watch(env, resolved.path);
    token.attrSet('href', sourceHref(resolved));
  }
}

/** Numbers and anchors every line of a source page's highlighted code. */
function anchorLines(html: string, expected: number, path: string): string {
  let n = 0;
  const out = html.replace(/<span class="line(?: [^"]*)?">/g, (open) => {
    n++;
    return `${open.replace('<span ', `<span id="L${n}" `)}<a class="source-line-number" href="#L${n}" data-line="${n}" aria-label="line ${n}"></a>`;
  });
  if (n !== expected)
    throw new Error(`source page of ${path}: the highlighter produced ${n} lines for a file of ${expected}`);
  return out;
}

/** Installs the plugin on VitePress's markdown-it instance (`markdown.config` in config.ts). */
export function sourcePlugin(md: MarkdownRenderer): void {
  const parse = md.parse.bind(md);
  md.parse = (src: string, env: PageEnv) => parse(expandSourceComments(src, env), env);

  md.core.ruler.push('nabla_source_links', (state) => {
    rewriteSourceLinks(state.tokens, state.env as PageEnv);
  });

  const fence = md.renderer.rules.fence!;
  md.renderer.rules.fence = (tokens, idx, options, env, self) => {
    const token = tokens[idx];
    if (!token.info.includes(sourcePageFlag)) return fence(tokens, idx, options, env, self);
    token.info = token.info.replace(sourcePageFlag, '').trim();
    const path = (env as PageEnv).relativePath?.slice(pagePrefix.length).replace(/\.md$/, '') ?? '';
    return anchorLines(fence(tokens, idx, options, env, self), splitLines(token.content).length, path);
  };
}
