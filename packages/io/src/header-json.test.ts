import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FormatError } from '@nabla/tensor';
import { propertyParameters } from '@nabla/tensor/testing';
import fc from 'fast-check';
import { type HeaderValue, parseHeaderJson } from './header-json.js';

// A fresh seed each run, printed; NABLA_SEED=<seed> replays it (see @nabla/tensor/testing).
fc.configureGlobal(propertyParameters());

function plain(v: HeaderValue): unknown {
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [k, plain(x)]));
  if (Array.isArray(v)) return v.map(plain);
  return v;
}

const headerLike = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.string({ unit: 'binary' }),
    fc.maxSafeNat(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.string({ unit: 'binary' }), tie('value'), { maxKeys: 4 }),
  ),
}));

test('reads what JSON.stringify writes, as JSON.parse does (objects as Maps)', () => {
  fc.assert(
    fc.property(headerLike.value, (v) => {
      const text = JSON.stringify(v, null, 1);
      assert.deepEqual(plain(parseHeaderJson(text, 'h')), JSON.parse(text));
    }),
    { numRuns: 300 },
  );
});

test('refuses a repeated key, which JSON.parse would silently collapse', () => {
  assert.throws(
    () => parseHeaderJson('{"a":{"dtype":"F32"},"b":1,"a":2}', 'x.safetensors'),
    (e: unknown) =>
      e instanceof FormatError &&
      /repeats the key "a"/.test(e.message) &&
      e.message.startsWith('x.safetensors:'),
  );
  assert.throws(() => parseHeaderJson('{"m":{"k":"1","k":"2"}}', 'h'), /repeats the key "k"/);
});

test('refuses numbers other than plain non-negative integers, and unsafe integers', () => {
  for (const bad of ['[1.5]', '[1e3]', '[-1]', '[01]', '[9007199254740993]', '[2.0]']) {
    assert.throws(() => parseHeaderJson(bad, 'h'), FormatError, bad);
  }
  assert.deepEqual(parseHeaderJson('[0, 9007199254740991]', 'h'), [0, Number.MAX_SAFE_INTEGER]);
});

test('refuses deep nesting with a FormatError instead of overflowing the stack', () => {
  const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
  assert.throws(() => parseHeaderJson(deep, 'h'), /nests deeper/);
});

test('refuses malformed text with a FormatError, never another exception', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 30 }), (text) => {
      try {
        parseHeaderJson(text, 'h');
      } catch (e) {
        assert.ok(e instanceof FormatError, String(e));
      }
    }),
    { numRuns: 2000 },
  );
  for (const bad of [
    '',
    '{',
    '{"a"}',
    '{"a":1,}',
    '[1 2]',
    '"\\x"',
    '"\u0001"',
    '{"a":1} x',
    'tru',
    '\ufeff{}',
  ]) {
    assert.throws(() => parseHeaderJson(bad, 'h'), FormatError, JSON.stringify(bad));
  }
});
