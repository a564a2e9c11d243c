/**
 * Speed support (not part of the built package): the kernels the speed script times, run on any
 * Backend in Node or in a page. Each case is compiled and run once untimed (gpu.js compiles on
 * the first call), then timed `reps` times; the median is reported. Timings are for reports,
 * never asserted in tests.
 */
import { type Backend, type Conv2dGeometry, conv2dGeometry, Random } from '@nabla/tensor';

export interface SpeedCase {
  name: string;
  run(backend: Backend): void;
}

function filled(n: number, seed: number): Float32Array {
  const rng = new Random(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.uniformRange(-1, 1);
  return out;
}

function matmulCase(side: number): SpeedCase {
  const a = filled(side * side, 1);
  const b = filled(side * side, 2);
  const out = new Float32Array(side * side);
  return {
    name: `matmul ${side}×${side}·${side}×${side}`,
    run: (be) => be.matmul(a, b, out, side, side, side, false, false),
  };
}

function convCase(label: string, g: Conv2dGeometry): SpeedCase {
  const x = filled(g.batch * g.inChannels * g.inHeight * g.inWidth, 3);
  const w = filled((g.outChannels * g.inChannels * g.kernelHeight * g.kernelWidth) / g.groups, 4);
  const y = new Float32Array(g.batch * g.outChannels * g.outHeight * g.outWidth);
  return { name: label, run: (be) => be.conv2d(x, w, y, g) };
}

function convBackwardCases(label: string, g: Conv2dGeometry): SpeedCase[] {
  const x = filled(g.batch * g.inChannels * g.inHeight * g.inWidth, 5);
  const w = filled((g.outChannels * g.inChannels * g.kernelHeight * g.kernelWidth) / g.groups, 6);
  const dy = filled(g.batch * g.outChannels * g.outHeight * g.outWidth, 7);
  const dx = new Float32Array(x.length);
  const dw = new Float32Array(w.length);
  return [
    { name: `${label} backward input`, run: (be) => be.conv2dBackwardInput(dy, w, dx, g) },
    { name: `${label} backward filter`, run: (be) => be.conv2dBackwardFilter(x, dy, dw, g) },
  ];
}

/** 256² and 512² matmul, and LeNet's second convolution (the heavier one) at batch 32, all three passes. */
export function speedCases(): SpeedCase[] {
  const lenetConv2 = conv2dGeometry('speed', [32, 6, 14, 14], [16, 6, 5, 5]);
  const label = 'conv2d LeNet c2 x[32,6,14,14] w[16,6,5,5]';
  return [
    matmulCase(256),
    matmulCase(512),
    convCase(label, lenetConv2),
    ...convBackwardCases(label, lenetConv2),
  ];
}

export interface Timing {
  name: string;
  /** Median milliseconds per call, after one untimed (compiling) call. */
  ms: number;
}

export function timeCases(backend: Backend, reps: number): Timing[] {
  const out: Timing[] = [];
  for (const c of speedCases()) {
    c.run(backend);
    const times: number[] = [];
    for (let r = 0; r < reps; r++) {
      const t0 = performance.now();
      c.run(backend);
      times.push(performance.now() - t0);
    }
    times.sort((p, q) => p - q);
    out.push({ name: c.name, ms: times[Math.floor(times.length / 2)]! });
  }
  return out;
}
