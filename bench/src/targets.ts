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
