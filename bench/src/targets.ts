import { type LibId, libLabel } from './libs.js';
import { formatFigure } from './report-format.js';
import { ratio, type SuiteResult } from './results.js';

/** Issue 8's targets: each is a ratio to a peer in the same run (or, for the README job, a wall time). */
interface Target {
  work: string;
  suite: string;
  /** The case whose name starts with this. */
  casePrefix: string;
  /** Nabla ÷ this peer must reach `atLeast`; null for the wall-time target. */
  peer: LibId | null;
  atLeast: number;
  /** For the wall-time target: at most this many seconds. */
  atMostSeconds?: number;
}

const TARGETS: Target[] = [
  { work: 'matmul 1024² f32', suite: 'kernels', casePrefix: 'matmul 1024', peer: 'naive', atLeast: 3.5 },
  {
    work: 'conv2d fwd 64×16×28² → 32, 3×3',
    suite: 'kernels',
    casePrefix: 'conv forward issue',
    peer: 'tfjs-cpu',
    atLeast: 3,
  },
  { work: 'LeNet training, batch 128', suite: 'train', casePrefix: 'LeNet', peer: 'tfjs-wasm', atLeast: 1 },
  {
    work: 'MLP 784-128-64-10 training, batch 64',
    suite: 'train',
    casePrefix: 'MLP',
    peer: 'tfjs-wasm',
    atLeast: 0.8,
  },
  {
    work: 'README main job (LeNet, 3 epochs × 7,500)',
    suite: 'e2e',
    casePrefix: 'nabla train lenet (3',
    peer: null,
    atLeast: 0,
    atMostSeconds: 90,
  },
];

/** Issue 8's table, filled from the latest results: Nabla's figure, the peer's, the ratio, the target, met or not. */
export function targetsMarkdown(suites: SuiteResult[]): string {
  const lines = [
    "| work | Nabla | compared with | peer | Nabla ÷ peer | issue 8's target | |",
    '|---|---:|---|---:|---:|---|---|',
  ];
  for (const t of TARGETS) {
    const suite = suites.find((s) => s.suite === t.suite);
    const c = suite?.cases.find((k) => k.name.startsWith(t.casePrefix));
    const nabla = c?.rows.find((r) => r.lib === 'nabla');
    const nablaText =
      nabla?.figure != null ? `${formatFigure(nabla.figure)} ${c!.unit}` : (nabla?.status ?? 'not run');
    const quick = suite?.quick ? ' (quick run)' : '';
    if (t.peer === null) {
      const met = nabla?.figure != null ? (nabla.figure <= t.atMostSeconds! ? '✓' : '✗') : '';
      lines.push(`| ${t.work} | ${nablaText}${quick} | wall clock | | | ≤ ${t.atMostSeconds} s | ${met} |`);
      continue;
    }
    const peer = c?.rows.find((r) => r.lib === t.peer);
    const x = c && peer ? ratio(c, peer) : null;
    const peerText =
      peer?.figure != null ? `${formatFigure(peer.figure)} ${c!.unit}` : (peer?.status ?? 'not run');
    const met = x === null ? '' : x >= t.atLeast ? '✓' : '✗';
    lines.push(
      `| ${t.work} | ${nablaText}${quick} | ${libLabel(t.peer)} | ${peerText} | ${x === null ? '' : `${x.toFixed(2)}×`} | ≥ ${t.atLeast}× ${libLabel(t.peer)} | ${met} |`,
    );
  }
  return lines.join('\n');
}

/**
 * Issue 12's targets: ratios to TF.js wasm (one thread in Node) from the same run, and the README
 * job's wall time. `today` is the issue's figure from one run before the wasm backend (scalar
 * TypeScript kernels), quoted for comparison; every measured figure comes from these results.
 */
interface Issue12Target {
  work: string;
  suite: string;
  /** Nabla's row: the case whose name starts with this. */
  casePrefix: string;
  /** The peer's row, when it lives in another case (the two-thread LeNet against TF.js wasm's one thread). */
  peerCasePrefix?: string;
  today: string;
  target: number;
  moonshot: number | null;
  /** For the wall-time row: seconds, lower is better. */
  seconds?: boolean;
}

const ISSUE12: Issue12Target[] = [
  {
    work: 'matmul 1024², one thread',
    suite: 'kernels',
    casePrefix: 'matmul 1024',
    today: '0.13×',
    target: 0.9,
    moonshot: 1.2,
  },
  {
    work: 'conv2d forward 64×16×28² → 32, 3×3 pad 1, one thread',
    suite: 'kernels',
    casePrefix: 'conv forward issue',
    today: '0.12×',
    target: 0.8,
    moonshot: 1.2,
  },
  {
    work: "the course's LeNet training, batch 128, one thread",
    suite: 'train',
    casePrefix: 'LeNet (course) training step, batch 128',
    today: '1.12×',
    target: 2,
    moonshot: 3,
  },
  {
    work: 'the same on both cores',
    suite: 'train',
    casePrefix: 'LeNet (course) training step on 2 threads',
    peerCasePrefix: 'LeNet (course) training step, batch 128',
    today: '1.65×',
    target: 3,
    moonshot: null,
  },
  {
    work: 'MLP 784-128-64-10 training, batch 64, one thread',
    suite: 'train',
    casePrefix: 'MLP',
    today: '1.00×',
    target: 1.5,
    moonshot: 2,
  },
  {
    work: '`pnpm nabla train lenet`, wall, as the README runs it',
    suite: 'e2e',
    casePrefix: 'nabla train lenet (3',
    today: '81–87 s',
    target: 45,
    moonshot: 30,
    seconds: true,
  },
];

/** Issue 12's table: work | today | target | moonshot | measured (Nabla ÷ TF.js wasm in this run, or seconds). */
export function issue12Markdown(suites: SuiteResult[]): string {
  const lines = [
    '| work | today (issue 12) | target | moonshot | measured | Nabla | TF.js wasm | |',
    '|---|---:|---:|---:|---:|---:|---:|---|',
  ];
  for (const t of ISSUE12) {
    const suite = suites.find((s) => s.suite === t.suite);
    const c = suite?.cases.find((k) => k.name.startsWith(t.casePrefix));
    const nabla = c?.rows.find((r) => r.lib === 'nabla');
    const nablaText =
      nabla?.figure != null ? `${formatFigure(nabla.figure)} ${c!.unit}` : (nabla?.status ?? 'not run');
    const quick = suite?.quick ? ' (quick run)' : '';
    if (t.seconds) {
      const s = nabla?.figure ?? null;
      const met =
        s === null ? '' : s <= (t.moonshot ?? Number.NEGATIVE_INFINITY) ? '✓✓' : s <= t.target ? '✓' : '✗';
      lines.push(
        `| ${t.work} | ${t.today} | ≤ ${t.target} s | ≤ ${t.moonshot} s | ${s === null ? nablaText : `${formatFigure(s)} s`}${quick} | | | ${met} |`,
      );
      continue;
    }
    const peerCase = t.peerCasePrefix ? suite?.cases.find((k) => k.name.startsWith(t.peerCasePrefix!)) : c;
    const peer = peerCase?.rows.find((r) => r.lib === 'tfjs-wasm');
    const x =
      nabla?.figure != null && peer?.figure != null && peer.figure > 0 ? nabla.figure / peer.figure : null;
    const peerText =
      peer?.figure != null ? `${formatFigure(peer.figure)} ${peerCase!.unit}` : (peer?.status ?? 'not run');
    const met =
      x === null ? '' : x >= (t.moonshot ?? Number.POSITIVE_INFINITY) ? '✓✓' : x >= t.target ? '✓' : '✗';
    lines.push(
      `| ${t.work} | ${t.today} | ≥ ${t.target}× | ${t.moonshot === null ? '' : `≥ ${t.moonshot}×`} | ${x === null ? '' : `${x.toFixed(2)}×`}${quick} | ${nablaText} | ${peerText} | ${met} |`,
    );
  }
  return lines.join('\n');
}
