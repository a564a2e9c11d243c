// The docs check of `pnpm test`: every reference written on a page resolves, no page links into the
// repository by a relative path or a hand-written line anchor, the region markers of every file the
// site shows are well formed, and the real `vitepress build` succeeds — after which every link of the
// built site (page, asset, heading anchor, line anchor; nav and sidebar included) is followed.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, posix, relative, resolve, sep } from 'node:path';
import { after, before, describe, it } from 'node:test';
import config, { coursePages, guidePages } from '../.vitepress/config.js';
import {
  docsRoot,
  findPageReferences,
  forEachProseLine,
  listMarkdownFiles,
  parseReference,
  parseRegions,
  readRepositoryFile,
  referencedFiles,
  repositoryPath,
  repositoryRoot,
  resolveSource,
} from '../.vitepress/regions.js';

/** Whether a docs/-relative path is excluded from the site's pages (config.srcExclude). */
function excluded(path: string, patterns = config.srcExclude ?? []): boolean {
  return patterns.some((pattern) =>
    pattern.endsWith('/**') ? path.startsWith(pattern.slice(0, -2)) : path === pattern,
  );
}

/**
 * The Markdown files whose references must resolve: the pages, and the fragments under generated/
 * that pages include (excluded from the pages themselves). The source pages' route is generated.
 */
const checkedFiles = listMarkdownFiles().filter((file) => {
  const path = relative(docsRoot, file).split(sep).join('/');
  if (path.startsWith('source/')) return false;
  return path.startsWith('generated/') || !excluded(path);
});

const vitepressBin = join(
  dirname(createRequire(import.meta.url).resolve('vitepress/package.json')),
  'bin',
  'vitepress.js',
);

/** Runs `vitepress build` of `root` into `outDir`; returns the exit status and the output. */
function vitepressBuild(root: string, outDir: string): { status: number | null; output: string } {
  const run = spawnSync(process.execPath, [vitepressBin, 'build', root, '--outDir', outDir], {
    cwd: docsRoot,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
    timeout: 180_000,
  });
  return { status: run.status, output: `${run.stdout}\n${run.stderr}` };
}

describe('every reference on every page resolves', () => {
  it('covers the pages and the fragments they include', () => {
    assert.ok(checkedFiles.length >= 10, `only ${checkedFiles.length} Markdown files found under docs/`);
  });

  it('@source, src: and @include', () => {
    const problems: string[] = [];
    for (const file of checkedFiles) {
      const page = repositoryPath(file);
      for (const reference of findPageReferences(readFileSync(file, 'utf8'))) {
        const where = `${page}:${reference.line}`;
        if (reference.kind === 'include') {
          // VitePress's own syntax: a path relative to the including file, or @/ for docs/;
          // then an optional #region and {start,end} line range.
          const target = reference.target.replace(/\{\d*,\d*\}$/, '');
          const [path, region] = target.split('#');
          const absolute = path.startsWith('@')
            ? join(docsRoot, path.slice(path[1] === '/' ? 2 : 1))
            : resolve(dirname(file), path);
          if (!existsSync(absolute)) {
            problems.push(`${where}: @include '${reference.target}': no file ${repositoryPath(absolute)}`);
            continue;
          }
          if (region !== undefined) {
            const { regions } = parseRegions(readFileSync(absolute, 'utf8'), repositoryPath(absolute));
            if (!regions.has(region))
              problems.push(
                `${where}: @include '${reference.target}': no region '${region}' (VitePress would include the whole file)`,
              );
          }
          continue;
        }
        const target =
          reference.kind === 'src-link' ? reference.target.slice('src:'.length) : reference.target;
        try {
          resolveSource(parseReference(target), where);
        } catch (error) {
          problems.push((error as Error).message);
        }
      }
    }
    assert.deepEqual(problems, []);
  });

  it('no link into the repository by a relative path, and no hand-written line anchor', () => {
    const problems: string[] = [];
    const linkRE = /\]\(\s*<?([^)\s>]+)/g;
    for (const file of checkedFiles) {
      const page = repositoryPath(file);
      forEachProseLine(readFileSync(file, 'utf8'), (line, index) => {
        const definition = /^\s{0,3}\[[^\]]+\]:\s*<?([^\s>]+)/.exec(line);
        for (const href of [
          ...[...line.matchAll(linkRE)].map((m) => m[1]),
          ...(definition ? [definition[1]] : []),
        ]) {
          if (/^[a-z]+:/i.test(href) || href.startsWith('#') || href.startsWith('/')) {
            if (/#L\d+/.test(href) && !href.startsWith('http'))
              problems.push(
                `${page}:${index + 1}: '${href}' has a hand-written line anchor; name a region instead (src:path#region)`,
              );
            continue;
          }
          const target = resolve(dirname(file), href.replace(/[#?].*$/, ''));
          const inside = relative(docsRoot, target);
          if (inside.startsWith('..'))
            problems.push(
              `${page}:${index + 1}: '${href}' leaves docs/; link the file as src:${repositoryPath(target)}`,
            );
          if (/#L\d+/.test(href))
            problems.push(
              `${page}:${index + 1}: '${href}' has a hand-written line anchor; name a region instead (src:path#region)`,
            );
        }
      });
    }
    assert.deepEqual(problems, []);
  });
});

describe('the navigation', () => {
  it('every page of the course walk and every guide in the sidebar exists', () => {
    const missing = [
      ...coursePages.map(([page]) => `course/${page}.md`),
      ...guidePages.map(([page]) => `${page}.md`),
    ].filter((page) => !existsSync(join(docsRoot, page)));
    assert.deepEqual(missing, [], 'sidebar entries without a page under docs/');
  });
});

describe('region markers of the files the site shows', () => {
  it('every #region has its #endregion with the same name, and names are unique per file', () => {
    const files = referencedFiles();
    assert.ok(files.length > 0, 'no page references a source file');
    const problems = files.flatMap((path) => parseRegions(readRepositoryFile(path), path).errors);
    assert.deepEqual(problems, []);
  });
});

/** The ids of an HTML file, and the hrefs of its links. */
function scanHtml(html: string): { ids: Set<string>; hrefs: string[] } {
  const ids = new Set([...html.matchAll(/\sid="([^"]*)"/g)].map((m) => m[1]));
  const hrefs = [...html.matchAll(/<a\s[^>]*?href="([^"]*)"/g)].map((m) => m[1].replaceAll('&amp;', '&'));
  return { ids, hrefs };
}

function listHtml(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.html'))
    .map((entry) => join(entry.parentPath, entry.name));
}

describe('the site builds, and every link of the built site resolves', () => {
  let outDir = '';
  let build: { status: number | null; output: string };
  before(() => {
    outDir = mkdtempSync(join(tmpdir(), 'nabla-docs-'));
    build = vitepressBuild('.', outDir);
  });
  after(() => rmSync(outDir, { recursive: true, force: true }));

  it('vitepress build succeeds (it fails on a dead page link or an unresolved reference)', () => {
    assert.equal(build.status, 0, `vitepress build failed:\n${build.output.slice(-4000)}`);
  });

  it('every page, asset, heading anchor and line anchor that a built page links to exists', () => {
    assert.equal(build.status, 0, 'the build failed');
    const pages = listHtml(outDir);
    const cache = new Map<string, Set<string>>();
    const idsOf = (file: string) => {
      let ids = cache.get(file);
      if (!ids) cache.set(file, (ids = scanHtml(readFileSync(file, 'utf8')).ids));
      return ids;
    };
    const problems = new Set<string>();
    // A missing page is reported once, with how many pages link to it (the nav and sidebar are on all).
    const missing = new Map<string, string[]>();
    for (const file of pages) {
      const html = readFileSync(file, 'utf8');
      const from = `/${relative(outDir, file).split(sep).join('/')}`;
      if (/href="src:|<!--\s*@(source|include)/.test(html))
        problems.add(`${from}: an unexpanded @source, @include or src: link`);
      for (const href of scanHtml(html).hrefs) {
        if (/^[a-z]+:/i.test(href) || href.startsWith('//')) continue;
        const [pathPart, hash = ''] = href.split('#');
        // TypeDoc's API reference is built into public/api by `pnpm run docs`, after this check's build.
        if (pathPart.startsWith('/api/')) continue;
        const path = pathPart === '' ? from : posix.resolve(posix.dirname(from), pathPart);
        const target = join(outDir, decodeURI(path.endsWith('/') ? `${path}index.html` : path));
        if (!existsSync(target)) {
          missing.set(path, [...(missing.get(path) ?? []), from]);
          continue;
        }
        if (hash === '' || !target.endsWith('.html')) continue;
        const ids = idsOf(target);
        const range = /^L(\d+)-L(\d+)$/.exec(hash);
        const wanted = range ? [`L${range[1]}`, `L${range[2]}`] : [decodeURIComponent(hash)];
        for (const id of wanted)
          if (!ids.has(id)) problems.add(`${from}: link '${href}': no #${id} on ${path}`);
      }
    }
    for (const [path, from] of missing) {
      const pages = [...new Set(from)];
      problems.add(
        `no ${path} in the built site, linked from ${pages.length} page(s): ${pages.slice(0, 3).join(', ')}${pages.length > 3 ? ', …' : ''}`,
      );
    }
    assert.deepEqual([...problems], []);
  });

  it('the API reference goes where TypeDoc writes it (public/api, served as /api/)', () => {
    const typedoc = JSON.parse(readFileSync(join(repositoryRoot, 'typedoc.json'), 'utf8')) as { out: string };
    assert.equal(typedoc.out, 'docs/public/api');
  });
});

describe('@source inside a fragment included with VitePress’s <!--@include:-->', () => {
  it('expands in the built page, and a broken one fails the build naming the page', () => {
    // A throwaway site beside the real one (so it resolves the same packages), with the real plugin.
    const root = mkdtempSync(join(docsRoot, '.site-test-'));
    const out = join(root, 'out');
    try {
      const plugin = join(docsRoot, '.vitepress', 'markdown-source.ts');
      mkdirFixture(root, plugin);
      const ok = vitepressBuild(root, out);
      assert.equal(ok.status, 0, ok.output.slice(-3000));
      const html = readFileSync(join(out, 'page.html'), 'utf8');
      assert.match(html, /class="language-ts/);
      assert.match(
        html,
        /href="\/source\/packages\/tensor\/src\/reference\/relu_ts\.html"[^>]*>relu\.ts \(whole file/,
      );
      assert.match(html, /href="\/source\/packages\/tensor\/src\/reference\/relu_ts\.html">the file</);

      writeFileSync(
        join(root, 'fragment.md'),
        '<!--@source: packages/tensor/src/reference/relu.ts#no-such-region-->\n',
      );
      const broken = vitepressBuild(root, out);
      assert.notEqual(broken.status, 0, 'a broken reference in an included fragment must fail the build');
      assert.match(
        broken.output,
        /page\.md \(or a fragment it includes: .*fragment\.md\): source reference 'packages\/tensor\/src\/reference\/relu\.ts#no-such-region': no region 'no-such-region'/,
      );
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

function mkdirFixture(root: string, plugin: string): void {
  const vitepressDir = join(root, '.vitepress');
  rmSync(vitepressDir, { recursive: true, force: true });
  writeFileSync(join(root, 'page.md'), '# Page\n\n<!--@include: ./fragment.md-->\n');
  writeFileSync(
    join(root, 'fragment.md'),
    '<!--@source: packages/tensor/src/reference/relu.ts-->\n\nSee [the file](src:packages/tensor/src/reference/relu.ts).\n',
  );
  // No source pages in the fixture: its links to them are not checked.
  const configText = `import { sourcePlugin } from ${JSON.stringify(plugin)};\nexport default { srcExclude: ['out/**', 'fragment.md'], ignoreDeadLinks: [/^\\/source\\//], markdown: { config: sourcePlugin } };\n`;
  mkdirSync(vitepressDir, { recursive: true });
  writeFileSync(join(vitepressDir, 'config.mts'), configText);
}
