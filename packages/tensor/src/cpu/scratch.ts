/**
 * Grow-only scratch buffers for the cpu kernels: packed panels, accumulator strips and index
 * tables are taken from here instead of being allocated on every call, so a training step makes
 * no garbage inside its kernels. Each slot is owned by one kernel stage and is never held across a
 * call (the kernels are not re-entrant and run on one thread; a worker has its own module copy).
 * A buffer may be longer than asked for: callers use only the prefix they requested.
 */
const floatSlots: Float64Array[] = [];
const intSlots: Int32Array[] = [];

/** The float64 scratch buffer of `slot`, at least `length` long (contents are left as they were). */
export function scratchFloat64(slot: number, length: number): Float64Array {
  let buf = floatSlots[slot];
  if (!buf || buf.length < length) {
    // Grow by half again so a slowly growing size does not reallocate on every call.
    buf = new Float64Array(Math.max(length, Math.ceil((buf?.length ?? 0) * 1.5), 64));
    floatSlots[slot] = buf;
  }
  return buf;
}

/** The int32 scratch buffer of `slot`, at least `length` long (contents are left as they were). */
export function scratchInt32(slot: number, length: number): Int32Array {
  let buf = intSlots[slot];
  if (!buf || buf.length < length) {
    buf = new Int32Array(Math.max(length, Math.ceil((buf?.length ?? 0) * 1.5), 64));
    intSlots[slot] = buf;
  }
  return buf;
}

/** Bytes held by the scratch pool (reported by benchmarks; the pool never shrinks by itself). */
export function scratchBytes(): number {
  let n = 0;
  for (const b of floatSlots) n += b ? b.byteLength : 0;
  for (const b of intSlots) n += b ? b.byteLength : 0;
  return n;
}

/** Drops every scratch buffer (after a one-off huge call, to give the memory back). */
export function releaseScratch(): void {
  floatSlots.length = 0;
  intSlots.length = 0;
}

/** Slot numbers, one per stage, so two stages of one kernel never share a buffer. */
export const Slot = {
  packedA: 0,
  packedB: 1,
  strip: 2,
  /** The zero-padded image of the single-channel 3×3 convolution (conv2d-single-channel.ts). */
  paddedImage: 3,
  /** Int32 slots. */
  rowOffset: 0,
  rowY: 1,
  rowX: 2,
  colOffset: 3,
  colY: 4,
  colX: 5,
  outOffset: 6,
  channelOffset: 7,
  colInside: 8,
} as const;
