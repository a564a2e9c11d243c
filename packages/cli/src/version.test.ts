import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { buildProgram } from './program.js';

test('nabla --version is the version in the package.json that npm installed', () => {
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  assert.match(manifest.version, /^\d+\.\d+\.\d+/);
  assert.equal(buildProgram().version(), manifest.version);
});
