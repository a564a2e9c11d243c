/**
 * "Using the GPU makes a huge difference" — what this project can and cannot show of it.
 *
 * Reads the committed bench results (bench/results/*.json: one `pnpm bench` run, its machine and
 * backend recorded in each file) and counts the arithmetic of the course's two networks from the
 * library's own layers, so the page can say how much work LeNet and AlexNet are and what the
 * measured throughput makes of it. Nothing here times anything: the figures are the bench's.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Conv2d, Linear } from '@nabla/layers';
import { alexnet, lenet, type Network } from '@nabla/models';

/** bench/results/ of this checkout. */
export const BENCH_RESULTS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../bench/results');

/** The four suites `pnpm bench` writes. */
export const BENCH_SUITES = ['kernels', 'train', 'alexnet', 'e2e'] as const;
export type BenchSuite = (typeof BENCH_SUITES)[number];

/** One row of a bench case (the shape bench/src/results.ts writes). */
export interface BenchRow {
  lib: string;
  figure: number | null;
  status: string;
  note: string | null;
}

export interface BenchCase {
  name: string;
  unit: string;
  higherIsBetter: boolean;
  work: string;
  rows: BenchRow[];
}

export interface BenchFile {
  suite: string;
  machine: {
    cpu: string;
    cores: number;
    memoryGiB: number;
    node: string;
    date: string;
    loadAverage: number;
    commit: string;
    threads: number;
  };
  peers: Record<string, string>;
  nabla: { backend: string; command?: string };
  cases: BenchCase[];
}

export function readBenchFile(suite: BenchSuite, dir = BENCH_RESULTS_DIR): BenchFile {
  return JSON.parse(readFileSync(join(dir, `${suite}.json`), 'utf8')) as BenchFile;
}

/** The figure of `lib` in the case named `name`; refuses a case or row that is not there. */
export function benchFigure(file: BenchFile, name: string, lib: string): number {
  const c = file.cases.find((k) => k.name === name);
  if (!c) throw new Error(`speed: bench suite '${file.suite}' has no case '${name}'`);
  const row = c.rows.find((r) => r.lib === lib);
  if (!row || row.figure === null) throw new Error(`speed: case '${name}' has no figure for '${lib}'`);
  return row.figure;
}

// #region flops
/**
 * Floating-point operations of one forward pass of one image, counted from the network's own
 * layers: a convolution computes each output value as a sum of (C_in/groups)·k_h·k_w products, a
 * fully connected layer each output as a sum of n_in products — one multiply and one add each, so
 * 2·(weights)·(output positions). ReLU, pooling, normalization and biases are left out: one
 * operation per value, under 1% of the total for both networks, and bound by memory, not arithmetic.
 */
export function forwardFlops(net: Network): { total: number; layers: { name: string; flops: number }[] } {
  const { rows } = net.body.summary([1, ...net.inputShape]);
  // Name each count by the layer table's name (conv1, fc6, …), whose modules include this one.
  const layerName = (path: string) => net.layerRows.find((r) => r.modules.includes(path))?.name ?? path;
  const layers: { name: string; flops: number }[] = [];
  for (const row of rows) {
    const module = net.body.getSubmodule(row.name);
    if (!(module instanceof Conv2d) && !(module instanceof Linear)) continue;
    const weights = row.parameterShapes.weight!.reduce((a, b) => a * b, 1);
    // Output positions: H_out·W_out for a convolution ([1, C_out, H, W]), 1 for a fully connected layer.
    const positions = module instanceof Conv2d ? row.outputShape[2]! * row.outputShape[3]! : 1;
    layers.push({ name: layerName(row.name), flops: 2 * weights * positions });
  }
  return { total: layers.reduce((s, l) => s + l.flops, 0), layers };
}
// #endregion flops

/**
 * A training step is one forward and two products of the same size backwards (the gradient to the
 * input, δ(l) = W(l)ᵀδ(l+1)…, and to the weights, δ(l+1)a(l)ᵀ): about 3× the forward's operations.
 */
export const TRAINING_FLOPS_PER_FORWARD = 3;

/** ILSVRC-2012, the ImageNet challenge AlexNet won: training images and the paper's epochs. */
export const IMAGENET = { trainImages: 1_281_167, classes: 1000, alexnetEpochs: 90 } as const;

export interface SpeedFigures {
  machine: BenchFile['machine'];
  backend: string;
  peers: Record<string, string>;
  /** Every case of every suite, with every row, as committed. */
  suites: Record<BenchSuite, { machine: BenchFile['machine']; backend: string; cases: BenchCase[] }>;
  flops: {
    lenetForward: number;
    lenetTraining: number;
    alexnetForward: number;
    alexnetTraining: number;
    lenetLayers: { name: string; flops: number }[];
    alexnetLayers: { name: string; flops: number }[];
  };
  measured: {
    lenetTrainImagesPerSecond: number;
    lenetTrainTwoThreadsImagesPerSecond: number;
    lenetTrainTfjsWasm: number;
    alexnetForwardImagesPerSecond: number;
    alexnetForwardTfjsWasm: number;
    fastestKernelGflops: { name: string; gflops: number };
    e2eSeconds: number;
  };
  derived: {
    /** LeNet training images/s × training FLOP per image. */
    lenetTrainingGflops: number;
    /** AlexNet forward images/s × forward FLOP per image. */
    alexnetForwardGflops: number;
    /** Training operations of AlexNet on ImageNet (90 epochs). */
    alexnetImagenetFlops: number;
    /** Those operations at the fastest kernel rate measured, and at the measured AlexNet forward rate ÷ 3, in days. */
    alexnetImagenetDaysAtFastestKernel: number;
    alexnetImagenetDaysAtMeasuredForward: number;
    /** The course's LeNet run: 3 epochs × 7,500 digits, training operations. */
    lenetCourseRunFlops: number;
  };
}

export const LENET_TRAIN_CASE = 'LeNet (course) training step, batch 128';
export const LENET_TRAIN_THREADS_CASE = 'LeNet (course) training step on 2 threads, batch 128';
export const ALEXNET_FORWARD_CASE = 'AlexNet forward, 1 image 227×227';

export function speed(dir = BENCH_RESULTS_DIR): SpeedFigures {
  const files = Object.fromEntries(BENCH_SUITES.map((s) => [s, readBenchFile(s, dir)])) as Record<
    BenchSuite,
    BenchFile
  >;
  const l = forwardFlops(lenet());
  const a = forwardFlops(alexnet());
  const lenetTrainImagesPerSecond = benchFigure(files.train, LENET_TRAIN_CASE, 'nabla');
  const alexnetForwardImagesPerSecond = benchFigure(files.alexnet, ALEXNET_FORWARD_CASE, 'nabla');
  let fastest = { name: '', gflops: 0 };
  for (const c of files.kernels.cases) {
    const f = c.rows.find((r) => r.lib === 'nabla')?.figure ?? 0;
    if (c.unit === 'GFLOP/s' && f > fastest.gflops) fastest = { name: c.name, gflops: f };
  }
  const alexnetImagenetFlops =
    IMAGENET.trainImages * IMAGENET.alexnetEpochs * TRAINING_FLOPS_PER_FORWARD * a.total;
  const day = 86_400;
  return {
    machine: files.train.machine,
    backend: files.train.nabla.backend,
    peers: files.train.peers,
    suites: Object.fromEntries(
      BENCH_SUITES.map((s) => [
        s,
        { machine: files[s].machine, backend: files[s].nabla.backend, cases: files[s].cases },
      ]),
    ) as SpeedFigures['suites'],
    flops: {
      lenetForward: l.total,
      lenetTraining: TRAINING_FLOPS_PER_FORWARD * l.total,
      alexnetForward: a.total,
      alexnetTraining: TRAINING_FLOPS_PER_FORWARD * a.total,
      lenetLayers: l.layers,
      alexnetLayers: a.layers,
    },
    measured: {
      lenetTrainImagesPerSecond,
      lenetTrainTwoThreadsImagesPerSecond: benchFigure(files.train, LENET_TRAIN_THREADS_CASE, 'nabla'),
      lenetTrainTfjsWasm: benchFigure(files.train, LENET_TRAIN_CASE, 'tfjs-wasm'),
      alexnetForwardImagesPerSecond,
      alexnetForwardTfjsWasm: benchFigure(files.alexnet, ALEXNET_FORWARD_CASE, 'tfjs-wasm'),
      fastestKernelGflops: fastest,
      e2eSeconds: files.e2e.cases[0]!.rows[0]!.figure!,
    },
    derived: {
      lenetTrainingGflops: (lenetTrainImagesPerSecond * TRAINING_FLOPS_PER_FORWARD * l.total) / 1e9,
      alexnetForwardGflops: (alexnetForwardImagesPerSecond * a.total) / 1e9,
      alexnetImagenetFlops,
      alexnetImagenetDaysAtFastestKernel: alexnetImagenetFlops / (fastest.gflops * 1e9) / day,
      alexnetImagenetDaysAtMeasuredForward:
        (IMAGENET.trainImages * IMAGENET.alexnetEpochs) /
        (alexnetForwardImagesPerSecond / TRAINING_FLOPS_PER_FORWARD) /
        day,
      lenetCourseRunFlops: 3 * 7_500 * TRAINING_FLOPS_PER_FORWARD * l.total,
    },
  };
}
