// The course walk (docs/course/*.md) shows each kernel equation's reference definition, by region
// (`<!--@source: packages/tensor/src/reference/relu.ts#relu-->`) or by a `src:` link. This test
// reads the pages: every reference kernel file must be shown or linked from the walk, and every
// region the walk names in this folder must exist and hold a documented exported function, so an
// excerpt never shows half a kernel or none. (The docs site's own test resolves every region and
// link of every page; this one keeps the kernels and the course together.)
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const walk = fileURLToPath(new URL('../../../../docs/course/', import.meta.url));
const dir = fileURLToPath(new URL('.', import.meta.url));

/** The lines between `// #region name` and `// #endregion name`, or null when the pair is missing. */
function region(lines: string[], name: string): string[] | null {
  const start = lines.findIndex((l) => l.trim() === `// #region ${name}`);
  const end = lines.findIndex((l) => l.trim() === `// #endregion ${name}`);
  return start < 0 || end <= start ? null : lines.slice(start + 1, end);
}

test('the course walk shows every reference kernel, each named region a documented function', () => {
  assert.ok(existsSync(walk), 'docs/course/ exists');
  const pages = readdirSync(walk).filter((f) => f.endsWith('.md'));
  const text = pages.map((f) => readFileSync(walk + f, 'utf8')).join('\n');
  const refs = [
    ...text.matchAll(
      /(?:@source:\s*|\(src:)packages\/tensor\/src\/reference\/([\w-]+\.ts)(?:#([a-z0-9]+(?:-[a-z0-9]+)*))?/g,
    ),
  ];
  assert.ok(refs.length >= 15, `found ${refs.length} references to reference kernels`);
  const linked = new Set<string>();
  for (const [ref, file, name] of refs) {
    assert.ok(existsSync(dir + file!), `${ref}: no such file`);
    linked.add(file!);
    if (!name) continue;
    const lines = region(readFileSync(dir + file!, 'utf8').split('\n'), name);
    assert.ok(lines, `${ref}: no region '${name}' in reference/${file}`);
    assert.equal(lines[0]!.trim(), '/**', `${ref}: starts at a doc comment`);
    assert.equal(lines.at(-1), '}', `${ref}: ends at a function's closing brace`);
    assert.match(lines.join('\n'), /^export function /m, `${ref}: spans a function`);
  }
  const kernels = readdirSync(dir).filter(
    (f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && f !== 'index.ts',
  );
  for (const f of kernels) assert.ok(linked.has(f), `docs/course/ shows or links reference/${f}`);
});
