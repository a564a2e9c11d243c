import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chooseSeed } from './index.js';

test('NABLA_SEED replays a seed; unset or empty draws fresh; anything else is refused by name', () => {
  assert.equal(chooseSeed('123456', 7), 123456);
  assert.equal(chooseSeed(undefined, 7), 7);
  assert.equal(chooseSeed('', 7), 7);
  for (const bad of ['-1', '1.5', 'abc', '2147483648', '0x10'])
    assert.throws(() => chooseSeed(bad, 7), /NABLA_SEED must be an integer in \[0, 2\^31\), got/);
});

test('a child process prints the seed it drew, and the same seed when NABLA_SEED gives it', () => {
  const script =
    "import { propertyParameters } from './src/testing/index.ts'; console.log(JSON.stringify(propertyParameters({ numRuns: 3 })));";
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const run = (env: Record<string, string>) =>
    execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: root,
      env: { ...process.env, NABLA_SEED: '', NABLA_SEED_PATH: '', ...env },
      encoding: 'utf8',
    })
      .trim()
      .split('\n');
  const [line, json] = run({});
  const seed = JSON.parse(json!).seed as number;
  assert.match(line!, new RegExp(`^property tests: seed ${seed}; replay with NABLA_SEED=${seed}$`));
  const [again, replayed] = run({ NABLA_SEED: String(seed), NABLA_SEED_PATH: '0:1' });
  assert.match(again!, /\(from NABLA_SEED\)/);
  assert.deepEqual(JSON.parse(replayed!), { numRuns: 3, seed, path: '0:1' });
});

test('every test file that uses fast-check takes its seed from this helper (no pinned seeds)', () => {
  const packages = fileURLToPath(new URL('../../..', import.meta.url));
  const offenders: string[] = [];
  let checked = 0;
  const visit = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name === 'dist') continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) visit(path);
      else if (/\.test\.ts$/.test(entry.name)) {
        const text = readFileSync(path, 'utf8');
        if (!text.includes("from 'fast-check'")) continue;
        checked++;
        if (!text.includes('fc.configureGlobal(propertyParameters())')) offenders.push(path);
        // A literal seed in fast-check's parameters would pin the cases again.
        if (/numRuns[^}\n]*seed:\s*\d/.test(text)) offenders.push(`${path} (pinned seed)`);
      }
    }
  };
  visit(packages);
  assert.ok(checked >= 30, `found only ${checked} property-test files under ${packages}`);
  assert.deepEqual(offenders, []);
});
