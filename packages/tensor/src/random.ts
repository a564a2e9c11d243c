import { ValueError } from './errors.js';

/**
 * The one seeded generator behind initialization, dropout and shuffling: xoshiro128** (Blackman &
 * Vigna), seeded through splitmix32. Pure 32-bit integer arithmetic, so a seed gives the same
 * numbers bit for bit on every engine and every run. Library code never uses the unseeded built-in generator.
 */
export class Random {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  private spareNormal: number | null = null;

  constructor(seed = 0) {
    this.seed(seed);
  }

  /** Restarts the stream from a seed (any finite number; its 32-bit integer part is used). */
  seed(seed: number): void {
    if (!Number.isFinite(seed))
      throw new ValueError('Random.seed', `seed must be a finite number, got ${seed}`);
    let x = seed >>> 0;
    const next = () => {
      x = (x + 0x9e3779b9) | 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
    this.spareNormal = null;
  }

  /**
   * The generator's whole state, for checkpoints: four unsigned 32-bit words, plus the cached
   * second Box–Muller value when there is one. Plain JSON (no NaN); restoring it continues the stream.
   */
  getState(): number[] {
    const words = [this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0];
    return this.spareNormal === null ? words : [...words, this.spareNormal];
  }

  setState(state: readonly number[]): void {
    const words = state.slice(0, 4);
    const spare = state.length === 5 ? state[4] : null;
    if (
      (state.length !== 4 && state.length !== 5) ||
      words.some((v) => !Number.isInteger(v) || v < 0 || v > 0xffffffff) ||
      (spare !== null && spare !== undefined && !Number.isFinite(spare))
    ) {
      throw new ValueError(
        'Random.setState',
        'state must be four 32-bit unsigned integers and optionally a finite spare normal',
      );
    }
    // xoshiro128 maps the all-zero state to itself: every draw would be 0 for ever.
    if (words.every((v) => v === 0))
      throw new ValueError(
        'Random.setState',
        'the all-zero state is not a state of the generator (it draws only zeros)',
      );
    [this.s0, this.s1, this.s2, this.s3] = words.map((v) => v | 0) as [number, number, number, number];
    this.spareNormal = spare ?? null;
  }

  /** The next 32 random bits as an unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform on [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextUint32() >>> 5;
    const lo = this.nextUint32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform on [low, high). */
  uniformRange(low: number, high: number): number {
    return low + (high - low) * this.uniform();
  }

  /** Standard normal by the Box–Muller transform (the second value of each pair is kept). */
  normal(mean = 0, std = 1): number {
    if (this.spareNormal !== null) {
      const z = this.spareNormal;
      this.spareNormal = null;
      return mean + std * z;
    }
    let u = 0;
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return mean + std * r * Math.cos(2 * Math.PI * v);
  }

  /** A uniform integer in [0, n), without modulo bias. */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0 || n > 0x100000000) {
      throw new ValueError('Random.int', `n must be an integer in [1, 2^32], got ${n}`);
    }
    const limit = 0x100000000 - (0x100000000 % n);
    let x = this.nextUint32();
    while (x >= limit) x = this.nextUint32();
    return x % n;
  }

  /** 1 with probability p, else 0. */
  bernoulli(p: number): number {
    if (!(p >= 0 && p <= 1)) throw new ValueError('Random.bernoulli', `p must be in [0, 1], got ${p}`);
    return this.uniform() < p ? 1 : 0;
  }

  /** A uniformly random permutation of 0 … n−1 (Fisher–Yates). */
  permutation(n: number): Int32Array {
    if (!Number.isInteger(n) || n < 0)
      throw new ValueError('Random.permutation', `n must be an integer >= 0, got ${n}`);
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) out[i] = i;
    this.shuffle(out);
    return out;
  }

  /** Shuffles an array in place (Fisher–Yates). */
  shuffle<T extends { length: number; [i: number]: unknown }>(items: T): T {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = items[i];
      items[i] = items[j];
      items[j] = t;
    }
    return items;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** The default generator, used when no generator is passed explicitly (like torch's global one). */
export const defaultGenerator = new Random(0);

/** Reseeds the default generator: `manualSeed(42)` makes the next run repeat bit for bit on the CPU. */
export function manualSeed(seed: number): void {
  defaultGenerator.seed(seed);
}
