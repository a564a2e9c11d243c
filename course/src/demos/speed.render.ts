import type { DemoOutput } from '../output.js';
import {
  type BenchCase,
  IMAGENET,
  LENET_TRAIN_CASE,
  LENET_TRAIN_THREADS_CASE,
  type SpeedFigures,
  speed,
  TRAINING_FLOPS_PER_FORWARD,
} from './speed.js';

/** The bench's library keys as the page names them. */
export const LIB_NAMES: Record<string, string> = {
  nabla: 'Nabla (wasm SIMD)',
  naive: 'naive JavaScript loops',
  'tfjs-cpu': 'TF.js cpu (pure JS)',
  'tfjs-wasm': 'TF.js wasm (XNNPACK SIMD)',
  convnetjs: 'ConvNetJS',
  'brain.js': 'brain.js',
};

const n = (v: number, digits = 1) =>
  v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const mflop = (v: number) => `${n(v / 1e6, 2)} MFLOP`;
const gflop = (v: number) => `${n(v / 1e9, 3)} GFLOP`;

/** One Markdown row per library of a case: `| case | library | figure unit |`. */
export function caseRows(c: BenchCase, libName = (lib: string) => LIB_NAMES[lib] ?? lib): string[] {
  return c.rows.map(
    (r) =>
      `| ${c.name} | ${libName(r.lib)} | ${r.figure === null ? `— (${r.note ?? r.status})` : `${r.figure < 1 ? r.figure.toPrecision(2) : n(r.figure, 1)} ${c.unit}`} |`,
  );
}

export function speedMarkdown(s: SpeedFigures): string {
  const m = s.machine;
  const measuredRows = [
    ...s.suites.train.cases.flatMap((c) =>
      c.name === LENET_TRAIN_THREADS_CASE ? caseRows(c, () => 'Nabla (wasm SIMD), 2 threads') : caseRows(c),
    ),
    ...s.suites.alexnet.cases.flatMap((c) => caseRows(c)),
    ...s.suites.e2e.cases.flatMap((c) =>
      caseRows(c, () => `Nabla (\`${'pnpm nabla train lenet'}\`, every core)`),
    ),
  ];
  const kernelRows = s.suites.kernels.cases.flatMap((c) => caseRows(c));
  const d = s.derived;
  const f = s.flops;
  return `**Where this was measured:** one \`pnpm bench\` run (${m.date.slice(0, 16).replace('T', ' ')} UTC, commit
${m.commit.slice(0, 7)}) on ${m.cpu}, **${m.cores} cores, ${m.memoryGiB} GiB, no GPU**, Node ${m.node}, load average
${m.loadAverage} at the start; Nabla on its \`${s.backend}\` backend, one thread unless the row says
otherwise; the peers in the same process (${Object.entries(s.peers)
    .map(([k, v]) => `${k} ${v}`)
    .join('; ')}).

| backend | what it is | in the committed bench? |
|---|---|---|
| \`reference\` | the textbook loops every kernel is checked against | no: it is the definition, not a contender (\`NABLA_BACKEND=reference\`) |
| \`cpu\` | TypeScript kernels (packed GEMM, fused convolution) | no: \`NABLA_BACKEND=cpu pnpm bench\` times it; not in the committed run |
| \`wasm\` | WebAssembly SIMD kernels, one thread | **yes**: every Nabla row below |
| \`wasm\` + threads | the same kernels on 2 worker threads | **yes**, the LeNet step only: ${n(s.measured.lenetTrainTwoThreadsImagesPerSecond, 0)} img/s against ${n(s.measured.lenetTrainImagesPerSecond, 0)} on one thread (no gain on this shared 2-core machine) |
| gpu.js (\`@nabla/gpu\`) | WebGL2 / WebGPU kernels | **no**: this machine has no GPU; headless Chromium runs WebGL2 on SwiftShader and Node on Mesa llvmpipe, both software renderers on these same 2 cores, so a figure from them would be CPU speed under another name |

### Measured (the committed \`bench/results/*.json\`)

| work | library | figure |
|---|---|---:|
${measuredRows.join('\n')}

![LeNet training throughput by library, images per second, log scale](../generated/speed-lenet.svg)

<details><summary>Every kernel row (one thread each)</summary>

| kernel | library | figure |
|---|---|---:|
${kernelRows.join('\n')}

</details>

### How much work the course's networks are

Counted from the library's layers (\`lenet()\`, \`alexnet()\`): 2 operations per weight per output position
of each convolution and fully connected layer; a training step ≈ ${TRAINING_FLOPS_PER_FORWARD}× the forward.

| network | forward, per image | training step, per image | measured here | what that is |
|---|---:|---:|---:|---:|
| LeNet (course), 28×28×1 | ${mflop(f.lenetForward)} | ${mflop(f.lenetTraining)} | ${n(s.measured.lenetTrainImagesPerSecond, 0)} img/s training | ${n(d.lenetTrainingGflops, 1)} GFLOP/s |
| AlexNet, 227×227×3 | ${gflop(f.alexnetForward)} | ${gflop(f.alexnetTraining)} | ${n(s.measured.alexnetForwardImagesPerSecond, 2)} img/s forward, batch 1 | ${n(d.alexnetForwardGflops, 1)} GFLOP/s |

<details><summary>Layer by layer (forward, one image)</summary>

| network | layer | operations | share |
|---|---|---:|---:|
${[
  ...f.lenetLayers.map((l) => ['LeNet', l, f.lenetForward] as const),
  ...f.alexnetLayers.map((l) => ['AlexNet', l, f.alexnetForward] as const),
]
  .map(
    ([net, l, total]) =>
      `| ${net} | ${l.name} | ${l.flops.toLocaleString('en-US')} | ${n((100 * l.flops) / total, 1)}% |`,
  )
  .join('\n')}

</details>

The fastest kernel measured here is ${s.measured.fastestKernelGflops.name} at ${n(s.measured.fastestKernelGflops.gflops, 1)} GFLOP/s.

- The course's LeNet run (3 epochs × 7,500 digits) is ${n(d.lenetCourseRunFlops / 1e12, 2)} TFLOP of training:
  ${n(d.lenetCourseRunFlops / (s.measured.lenetTrainImagesPerSecond * f.lenetTraining), 0)} s at the measured training rate (the whole \`pnpm nabla train lenet\`, with loading,
  validation and testing, took ${n(s.measured.e2eSeconds, 1)} s).
  At this size the arithmetic is seconds; start-up, reading the data and evaluation are much of the
  wall time, and a GPU would not shorten those.
- AlexNet on ImageNet (${IMAGENET.trainImages.toLocaleString('en-US')} training images, ${IMAGENET.alexnetEpochs} epochs) is
  ${n(d.alexnetImagenetFlops / 1e18, 2)} × 10¹⁸ operations: **${n(d.alexnetImagenetDaysAtFastestKernel, 0)} days** on this machine if every
  operation ran at the fastest kernel rate measured here, ${n(d.alexnetImagenetDaysAtMeasuredForward, 0)} days at the measured
  AlexNet forward rate (÷ ${TRAINING_FLOPS_PER_FORWARD} for training; batch 1, where the fully connected layers
  read all 58.6 million weights for every image). Not measured: AlexNet *training* throughput.
  Krizhevsky et al. (2012) trained it in five to six days on two GTX 580 GPUs.`;
}

export async function render(): Promise<DemoOutput> {
  const s = speed();
  const lenetCase = s.suites.train.cases.find((c) => c.name === LENET_TRAIN_CASE)!;
  const values = lenetCase.rows
    .filter((r) => r.figure !== null)
    .map((r) => ({ library: LIB_NAMES[r.lib] ?? r.lib, imagesPerSecond: r.figure }));
  return {
    name: 'speed',
    figures: s,
    markdown: speedMarkdown(s),
    plots: {
      lenet: {
        $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
        title: `${LENET_TRAIN_CASE}, one thread, ${s.machine.cpu} ${s.machine.cores} cores, no GPU`,
        data: { values },
        width: 420,
        mark: 'bar',
        encoding: {
          y: { field: 'library', type: 'nominal', sort: '-x', title: null, axis: { labelLimit: 300 } },
          x: {
            field: 'imagesPerSecond',
            type: 'quantitative',
            scale: { type: 'log', domainMin: 1 },
            title: 'training images per second (log scale)',
          },
          // A log axis has no zero: the bars start at 1 image/s.
          x2: { datum: 1 },
        },
      },
    },
  };
}
