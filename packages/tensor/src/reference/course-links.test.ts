// docs/course.md links each kernel equation to its reference definition by line range. These
// anchors rot silently when a file changes, so this test reads them: every linked range must span
// one documented function (its doc comment through its closing brace), and every reference kernel
// file must be linked from the course.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const course = fileURLToPath(new URL('../../../../docs/course.md', import.meta.url));
const dir = fileURLToPath(new URL('.', import.meta.url));

test('docs/course.md links every reference kernel, each anchor spanning one documented function', () => {
  const text = readFileSync(course, 'utf8');
  const links = [...text.matchAll(/\.\.\/packages\/tensor\/src\/reference\/([\w-]+\.ts)#L(\d+)-L(\d+)/g)];
  assert.ok(links.length >= 15, `found ${links.length} anchored links`);
  const linked = new Set<string>();
  for (const [link, file, from, to] of links) {
    assert.ok(existsSync(dir + file!), `${link}: no such file`);
    const lines = readFileSync(dir + file!, 'utf8').split('\n');
    const a = Number(from) - 1;
    const b = Number(to) - 1;
    assert.equal(lines[a], '/**', `${link}: starts at a doc comment`);
    assert.equal(lines[b], '}', `${link}: ends at a function's closing brace`);
    const span = lines.slice(a, b + 1).join('\n');
    assert.match(span, /^export function /m, `${link}: spans a function`);
    linked.add(file!);
  }
  const kernels = readdirSync(dir).filter(
    (f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && f !== 'index.ts',
  );
  for (const f of kernels) assert.ok(linked.has(f), `docs/course.md links reference/${f}`);
});
