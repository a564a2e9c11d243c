import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';

test('the main entry uses no Node built-ins: outside node/, modules import only Nabla browser entries, fast-png and each other', () => {
  const root = new URL('./', import.meta.url);
  const files = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter(
    (f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.startsWith('node/'),
  );
  assert.ok(files.length >= 15);
  for (const f of files) {
    // Code only: a doc comment may show an app's own import (`import vegaEmbed from 'vega-embed'`).
    const text = readFileSync(new URL(f, root), 'utf8')
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/^\s*\/\/.*$/gm, '');
    for (const [, spec] of text.matchAll(/from '([^']+)'/g)) {
      assert.ok(
        /^@nabla\/(tensor|autograd|layers|optim|data|io)$/.test(spec!) ||
          spec === 'fast-png' ||
          /^\.\.?\//.test(spec!),
        `${f} imports ${spec}`,
      );
      assert.ok(!/\/node(\.js)?$/.test(spec!), `${f} imports ${spec}`);
    }
    assert.doesNotMatch(text, /\b(process|Buffer|require|__dirname)\b[.(]/, f);
  }
});
