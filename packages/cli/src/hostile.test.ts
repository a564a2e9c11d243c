/**
 * The standing hostile-input suite (issue 17): every crafted file or flag of testing/hostile-inputs.ts
 * is run through the CLI in a child process, and each must be refused the way a user can act on:
 * exit code 2, exactly one line of output no longer than LINE_BOUND characters, and a peak resident
 * memory under RSS_BOUND_MB — all within TIME_BOUND_S (a timeout, not a speed claim). Two cases run
 * at a time. Set NABLA_HOSTILE_REPORT=file.json to keep each case's figures.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, rmSync, writeFileSync } from 'node:fs';
import { after, describe, test } from 'node:test';
import { cliCommand, tempDir } from './testing/fixtures.js';
import { hostileCases } from './testing/hostile-inputs.js';
import { type BoundedResult, runBounded } from './testing/run-bounded.js';

/** Peak resident memory allowed: the CLI run from source through tsx starts near 160 MB. */
const RSS_BOUND_MB = 300;
/** The one line's longest allowed length. */
const LINE_BOUND = 600;
/** A case still running after this is stopped and fails (a timeout, never an assertion on speed). */
const TIME_BOUND_S = 60;
/** A child above this is killed on the spot, so no case can take the machine's memory. */
const KILL_ABOVE_MB = 1500;

/** A control character other than the newline (C0, DEL, C1): what a terminal may act on. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to find them
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

const dir = tempDir('nabla-hostile-');
chmodSync(dir, 0o755); // the unprivileged user of the permission case must reach its inputs
after(() => rmSync(dir, { recursive: true, force: true }));
const cases = hostileCases(dir);
const report: Record<string, Omit<BoundedResult, 'stdout'>> = {};
after(() => {
  if (process.env.NABLA_HOSTILE_REPORT)
    writeFileSync(process.env.NABLA_HOSTILE_REPORT, `${JSON.stringify(report, null, 1)}\n`);
});
const root = process.getuid?.() === 0;
// As root, permissions do not bind: the permission case runs as the unprivileged user 'nobody',
// which must be able to run the CLI from this checkout (it cannot where the checkout is private).
const nobody = { uid: 65534, gid: 65534 };
const nobodyCanRun =
  root &&
  spawnSync(cliCommand(['--version']).command, cliCommand(['--version']).args, {
    cwd: cliCommand([]).cwd,
    ...nobody,
    stdio: 'ignore',
    timeout: 60_000,
  }).status === 0;

describe('hostile inputs are refused with exit 2, one bounded line and bounded memory', {
  concurrency: 2,
}, () => {
  for (const c of cases) {
    const skip =
      c.asNobody && root && !nobodyCanRun
        ? 'running as root, and user nobody cannot read this checkout'
        : false;
    test(`${c.origin === 'table' ? '[issue 17] ' : ''}${c.name}`, { skip }, async () => {
      const r = await runBounded(c.args, {
        timeoutSeconds: TIME_BOUND_S,
        killAboveMB: KILL_ABOVE_MB,
        ...(c.asNobody && root ? nobody : {}),
      });
      const { stdout: _out, ...figures } = r;
      report[c.name] = { ...figures, stderr: r.stderr.slice(0, 300) };
      const output = (r.stdout + r.stderr).trimEnd();
      const lines = output.split('\n');
      const where = `\n  args: ${c.args.join(' ').slice(0, 300)}\n  output: ${output.slice(0, 400)}`;
      assert.equal(
        r.killed,
        null,
        `stopped (${r.killed}) after ${r.seconds.toFixed(1)} s at ${r.peakMB.toFixed(0)} MB${where}`,
      );
      assert.equal(r.code, 2, `exit code 2 expected, got ${r.code}${where}`);
      assert.equal(lines.length, 1, `one line of output expected, got ${lines.length}${where}`);
      assert.ok(lines[0]!.length <= LINE_BOUND, `line of ${lines[0]!.length} characters${where}`);
      assert.doesNotMatch(output, RAW_CONTROL, `a raw control character${where}`);
      assert.match(lines[0]!, c.expect, where);
      assert.ok(
        r.peakMB < RSS_BOUND_MB,
        `peak RSS ${r.peakMB.toFixed(0)} MB over ${RSS_BOUND_MB} MB${where}`,
      );
      const problem = c.after?.();
      assert.equal(problem ?? null, null, problem ?? '');
    });
  }
});
