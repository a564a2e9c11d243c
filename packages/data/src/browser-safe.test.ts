import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';

test('the main entry uses no Node built-ins: every module outside node/ imports only tensor, the main entry of io, fflate, the image decoders (fast-png, jpeg-js) and itself', () => {
  const dir = new URL('./', import.meta.url);
  const files = readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
  assert.ok(files.length >= 10);
  for (const f of files) {
    const text = readFileSync(new URL(f, dir), 'utf8');
    for (const [, spec] of text.matchAll(/from '([^']+)'/g)) {
      assert.ok(
        spec === '@nabla/tensor' ||
          spec === '@nabla/io' ||
          spec === 'fflate' ||
          spec === 'fast-png' ||
          spec === 'jpeg-js' ||
          /^\.\/[\w-]+\.js$/.test(spec!),
        `${f} imports ${spec}`,
      );
    }
    assert.doesNotMatch(text, /\b(process|Buffer|require|__dirname)\b[.(]/, f);
  }
});
