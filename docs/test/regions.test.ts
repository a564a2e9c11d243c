import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createMarkdownRenderer } from 'vitepress';
import { expandSourceComments, sourcePlugin } from '../.vitepress/markdown-source.js';
import { lineRange } from '../.vitepress/theme/source-lines.js';
import {
  checkRepositoryPath,
  dedent,
  docsRoot,
  findPageReferences,
  languageOf,
  parseRegions,
  repositoryPath,
  repositoryRoot,
  resolveSource,
  SourceReferenceError,
  sourceHref,
  sourceLinkText,
  sourcePagePath,
} from '../.vitepress/regions.js';

describe('parseRegions', () => {
  it('finds regions by name, with the lines between the markers', () => {
    const text = [
      'a',
      '// #region one',
      'b',
      '  # #region two',
      'c',
      '  # #endregion two',
      '// #endregion one',
    ].join('\n');
    const { regions, errors } = parseRegions(text, 'f.ts');
    assert.deepEqual(errors, []);
    assert.deepEqual(regions.get('one'), { name: 'one', markerLine: 2, start: 3, end: 6 });
    assert.deepEqual(regions.get('two'), { name: 'two', markerLine: 4, start: 5, end: 5 });
    const matlab = parseRegions('% #region layers\nlayers = [];\n% #endregion layers', 'lenet.m');
    assert.deepEqual(matlab.regions.get('layers'), { name: 'layers', markerLine: 1, start: 2, end: 2 });
  });

  it('reports a missing #endregion, a mismatched name, a duplicate and a name that is not kebab-case', () => {
    const open = parseRegions('// #region a\nx', 'f.ts').errors;
    assert.deepEqual(open, ["f.ts:1: region 'a' has no '#endregion a'"]);
    const mismatched = parseRegions('// #region a\nx\n// #endregion b', 'f.ts').errors;
    assert.match(mismatched.join('\n'), /f\.ts:3: '#endregion b' closes region 'a' \(opened at line 1\)/);
    const unopened = parseRegions('x\n// #endregion b', 'f.ts').errors;
    assert.deepEqual(unopened, ["f.ts:2: '#endregion b' without a matching '#region b'"]);
    const crossed = parseRegions(
      '// #region a\n// #region b\n// #endregion a\n// #endregion b',
      'f.ts',
    ).errors;
    assert.match(crossed.join('\n'), /'#endregion a' closes region 'b'/);
    const twice = parseRegions('// #region a\n// #endregion a\n// #region a\n// #endregion a', 'f.ts').errors;
    assert.match(twice.join('\n'), /f\.ts:3: region 'a' is defined twice/);
    assert.match(
      parseRegions('// #region Big_Name\n// #endregion Big_Name', 'f.ts').errors[0],
      /not kebab-case/,
    );
    assert.match(parseRegions('// #region\n', 'f.ts').errors[0], /without a name/);
  });
});

describe('resolveSource', () => {
  it('pulls a region from a real file: markers dropped, dedented, lines and link computed', () => {
    const resolved = resolveSource({ path: 'docs/test/regions.test.ts', region: 'fixture' }, 'page.md');
    assert.equal(resolved.code, "const shown = 'this line';\nif (shown) {\n  void shown;\n}");
    assert.equal(resolved.language, 'ts');
    assert.equal(
      resolved.end - resolved.start + 1,
      6,
      'the region spans its 4 lines and the 2 nested markers',
    );
    assert.equal(resolved.firstLine, undefined, 'a nested marker was dropped, so the lines are renumbered');
    assert.equal(
      sourceHref(resolved),
      `/source/docs/test/regions_test_ts.md#L${resolved.start}-L${resolved.end}`,
    );
    assert.equal(sourceLinkText(resolved), `regions.test.ts, lines ${resolved.start}–${resolved.end}`);
    // #region fixture
    // #region inner
    const shown = 'this line';
    if (shown) {
      void shown;
    }
    // #endregion inner
    // #endregion fixture
    const inner = resolveSource({ path: 'docs/test/regions.test.ts', region: 'inner' }, 'page.md');
    assert.equal(inner.firstLine, inner.start, 'an unchanged region keeps the file line numbers');
  });

  it('refuses a missing file, a missing region, a folder and a path outside the repository, naming page, path and region', () => {
    const attempt = (path: string, region?: string) => {
      try {
        resolveSource({ path, region }, 'docs/course/neuron.md');
      } catch (error) {
        assert.ok(error instanceof SourceReferenceError);
        return error.message;
      }
      assert.fail(`${path}#${region} resolved`);
    };
    const missingRegion = attempt('packages/tensor/src/reference/relu.ts', 'no-such-region');
    assert.match(missingRegion, /^docs\/course\/neuron\.md: /);
    assert.match(missingRegion, /packages\/tensor\/src\/reference\/relu\.ts#no-such-region/);
    assert.match(missingRegion, /no region 'no-such-region'/);
    assert.match(attempt('packages/nope.ts', 'x'), /'packages\/nope\.ts' does not exist/);
    assert.match(attempt('packages/tensor/src'), /is a folder/);
    assert.match(attempt('../etc/passwd'), /from the repository root/);
    assert.match(attempt('packages/tensor/dist/index.js'), /build output/);
    // A generated file: present here, absent from a fresh clone.
    const ignored = mkdtempSync(join(docsRoot, '.site-test-'));
    try {
      writeFileSync(join(ignored, 'generated.ts'), 'export {};\n');
      assert.match(attempt(`${repositoryPath(ignored)}/generated.ts`), /ignored by git/);
    } finally {
      rmSync(ignored, { recursive: true, force: true });
    }
    assert.equal(checkRepositoryPath('packages/tensor/src/reference/relu.ts'), undefined);
  });
});

describe('helpers', () => {
  it('dedents by the common indentation and trims blank edges', () => {
    assert.deepEqual(dedent(['', '    a', '      b', '', '    c', '  ']), ['a', '  b', '', 'c']);
  });
  it('maps extensions to fence languages', () => {
    assert.equal(languageOf('a/b.py'), 'python');
    assert.equal(languageOf('a/b.ts'), 'ts');
    assert.equal(languageOf('a/b.unknown'), 'text');
  });
  it('names source pages without a file extension, so VitePress routes and checks them', () => {
    assert.equal(sourcePagePath('packages/gpu/README.md'), '/source/packages/gpu/README_md.md');
  });
  it('finds references outside fenced code only', () => {
    const page = [
      '<!--@source: a.ts#one-->',
      'See [x](src:b.ts#two) and [y][r].',
      '[r]: src:c.ts',
      '````md',
      '<!--@source: inside.ts#fence-->',
      '```ts',
      '[z](src:inside.ts)',
      '```',
      '````',
      '  <!--@include: ../generated/x.md-->',
    ].join('\n');
    assert.deepEqual(
      findPageReferences(page).map((r) => `${r.kind} ${r.line} ${r.target}`),
      ['source 1 a.ts#one', 'src-link 2 src:b.ts#two', 'src-link 3 src:c.ts', 'include 10 ../generated/x.md'],
    );
  });
});

describe('the Markdown plugin', () => {
  const render = async (src: string) => {
    const md = await createMarkdownRenderer(process.cwd(), { config: sourcePlugin });
    return md.render(src, { relativePath: 'course/neuron.md', includes: [], cleanUrls: false });
  };

  it('renders an excerpt as highlighted code and a link to its lines', async () => {
    const html = await render('<!--@source: docs/test/regions.test.ts#inner-->\n');
    assert.match(html, /class="language-ts/);
    assert.match(html, /this line/);
    assert.doesNotMatch(html, /#region/);
    assert.match(
      html,
      /<a href="\/source\/docs\/test\/regions_test_ts\.html#L\d+-L\d+" class="source-link">/,
    );
  });

  it('rewrites src: links, inline and by reference', async () => {
    const html = await render(
      'A [link](src:packages/tensor/src/reference/relu.ts) and [ref][r].\n\n[r]: src:docs/test/regions.test.ts#inner\n',
    );
    assert.match(html, /href="\/source\/packages\/tensor\/src\/reference\/relu_ts\.html"/);
    assert.match(html, /href="\/source\/docs\/test\/regions_test_ts\.html#L\d+-L\d+"/);
  });

  it('fails on a region or a path that does not resolve, naming the page', async () => {
    await assert.rejects(
      render('<!--@source: packages/tensor/src/reference/relu.ts#gone-->\n'),
      /docs\/course\/neuron\.md: source reference 'packages\/tensor\/src\/reference\/relu\.ts#gone': no region 'gone'/,
    );
    await assert.rejects(
      render('[x](src:packages/missing.ts#a)\n'),
      /docs\/course\/neuron\.md: .*'packages\/missing\.ts' does not exist/,
    );
  });

  it('fails on an include that VitePress left unexpanded (a missing fragment)', () => {
    assert.throws(
      () =>
        expandSourceComments('<!--@include: ../generated/missing.md-->\n', { relativePath: 'course/x.md' }),
      /docs\/course\/x\.md: '<!--@include: \.\.\/generated\/missing\.md-->' does not resolve/,
    );
  });

  it('renders a source page: every line of the file numbered and anchored, #L1 to the last', async () => {
    const path = 'packages/tensor/src/reference/relu.ts';
    const lines = readFileSync(join(repositoryRoot, path), 'utf8').trimEnd().split('\n').length;
    const html = await render(`<!--@source-page: ${path}-->\n`);
    const ids = [...html.matchAll(/<span id="L(\d+)" class="line/g)].map((m) => Number(m[1]));
    assert.deepEqual(
      ids,
      Array.from({ length: lines }, (_, i) => i + 1),
    );
    assert.match(html, new RegExp(`<a class="source-line-number" href="#L${lines}" data-line="${lines}"`));
  });

  it('leaves a reference inside fenced code as text', async () => {
    const html = await render('```md\n<!--@source: packages/missing.ts#a-->\n```\n');
    assert.match(html, /@source: packages\/missing\.ts#a/);
  });
});

describe('the source page script', () => {
  it('reads #L12 and #L3-L17 (either order) and ignores other hashes', () => {
    assert.deepEqual(lineRange('#L12'), { first: 12, last: 12 });
    assert.deepEqual(lineRange('#L3-L17'), { first: 3, last: 17 });
    assert.deepEqual(lineRange('#L17-L3'), { first: 3, last: 17 });
    assert.equal(lineRange('#backends'), undefined);
    assert.equal(lineRange('#L3-17'), undefined);
  });
});
