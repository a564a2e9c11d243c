import { gradcheckCases, runGradcheckSuite } from '@nabla/autograd';
import { UserError } from '../user-error.js';

export interface GradcheckFlags {
  cases: number;
  seed: number;
  only?: string;
}

/**
 * `nabla gradcheck`: autograd's gradient-check suite (every op and a few composite networks,
 * float64 central differences against the analytic gradients); prints its table. Returns
 * whether every op passed, so the command exits non-zero on a failure.
 */
export function gradcheck(flags: GradcheckFlags): boolean {
  const only = flags.only
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (only && !gradcheckCases.some((c) => only.some((s) => c.op.includes(s)))) {
    throw new UserError(
      `--only ${flags.only}: no op matches; the ops are ${gradcheckCases.map((c) => c.op).join(', ')}`,
    );
  }
  const rows = runGradcheckSuite({
    casesPerOp: flags.cases,
    seed: flags.seed,
    only,
    log: (line) => console.log(line),
  });
  return rows.every((r) => r.ok);
}
