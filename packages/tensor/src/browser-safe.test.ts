import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

test('the main entry uses no Node built-ins: only src/node/ (the /node subpath) may import node:', () => {
  const root = fileURLToPath(new URL('.', import.meta.url));
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? (e.name === 'node' ? [] : walk(join(dir, e.name))) : [join(dir, e.name)],
    );
  const files = walk(root).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
  assert.ok(files.length >= 20);
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    // testing/ (the /testing subpath, test support outside the build) may also import fast-check.
    const inTesting = f.includes(join(root, 'testing'));
    for (const [, spec] of text.matchAll(/from '([^']+)'/g)) {
      if (inTesting && spec === 'fast-check') continue;
      assert.match(spec!, /^\.\.?\/[\w/-]+\.js$/, `${f} imports ${spec}`);
    }
    assert.doesNotMatch(text, /\b(process|Buffer|require|__dirname)\b[.(]/, f);
    assert.doesNotMatch(text, /types="node"/, f);
  }
});
