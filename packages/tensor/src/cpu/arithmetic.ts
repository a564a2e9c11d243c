import type { TypedArray } from '../dtype.js';

/**
 * Dedicated loops for the four arithmetic ops on the layouts training meets most: two same-shape
 * arrays, and one operand broadcast as a block, out = full ∘ small where small repeats along the
 * outer axes and is constant along the inner ones. That covers a scalar (mid = 1), a bias row
 * [N, C] + [C] (inner = 1) and a per-channel term [N, C, H, W] + [1, C, 1, 1] (inner = H·W).
 * A closure call per element (the generic path) costs several times the arithmetic once the call
 * site has seen a few different ops; these loops have none.
 */
export type ArithOp = 'add' | 'sub' | 'mul' | 'div';

/** out[oo + i] = x[xo + i] ∘ y[yo + i] for i < n. */
export function arithSame(
  op: ArithOp,
  x: TypedArray,
  xo: number,
  y: TypedArray,
  yo: number,
  out: TypedArray,
  oo: number,
  n: number,
): void {
  xo -= oo;
  yo -= oo;
  const end = oo + n;
  switch (op) {
    case 'add':
      for (let i = oo; i < end; i++) out[i] = x[xo + i]! + y[yo + i]!;
      break;
    case 'sub':
      for (let i = oo; i < end; i++) out[i] = x[xo + i]! - y[yo + i]!;
      break;
    case 'mul':
      for (let i = oo; i < end; i++) out[i] = x[xo + i]! * y[yo + i]!;
      break;
    case 'div':
      for (let i = oo; i < end; i++) out[i] = x[xo + i]! / y[yo + i]!;
      break;
  }
}

/** The block structure of a broadcast operand: out index (o·mid + m)·inner + i reads small[m]. */
export interface BlockBroadcast {
  outer: number;
  mid: number;
  inner: number;
}

/**
 * Finds the block structure of broadcasting `small` to `full`: after padding small's shape with
 * leading 1s, its non-1 axes must be one consecutive run that equals full's sizes there. Returns
 * null for anything else (e.g. [N, 1, W] against [N, H, W]), which takes the generic path.
 */
export function blockBroadcast(full: readonly number[], small: readonly number[]): BlockBroadcast | null {
  const lead = full.length - small.length;
  if (lead < 0) return null;
  let first = -1;
  let last = -1;
  for (let d = 0; d < small.length; d++) {
    if (small[d] === 1) continue;
    if (small[d] !== full[lead + d]) return null;
    if (first === -1) first = d;
    else if (last !== d - 1) return null;
    last = d;
  }
  let outer = 1;
  let mid = 1;
  let inner = 1;
  for (let d = 0; d < full.length; d++) {
    const s = d - lead;
    if (first === -1 || s < first) outer *= full[d]!;
    else if (s <= last) mid *= full[d]!;
    else inner *= full[d]!;
  }
  return { outer, mid, inner };
}

/**
 * out = full ∘ small (or small ∘ full when `smallFirst`), with small broadcast as a block:
 * out[(o·mid + m)·inner + i] = full[fo + same index] ∘ small[so + m].
 */
export function arithBlock(
  op: ArithOp,
  full: TypedArray,
  fo: number,
  small: TypedArray,
  so: number,
  out: TypedArray,
  b: BlockBroadcast,
  smallFirst: boolean,
): void {
  const { outer, mid, inner } = b;
  if (inner === 1) {
    // A row broadcast: each outer row is a same-shape product with small.
    for (let o = 0; o < outer; o++) {
      if (smallFirst) arithSame(op, small, so, full, fo + o * mid, out, o * mid, mid);
      else arithSame(op, full, fo + o * mid, small, so, out, o * mid, mid);
    }
    return;
  }
  let k = 0;
  for (let o = 0; o < outer; o++) {
    for (let m = 0; m < mid; m++) {
      const s = small[so + m]!;
      const f = fo + k;
      const end = k + inner;
      // One tight loop per op and order; `s` is a constant inside it.
      if (op === 'add') for (let i = k; i < end; i++) out[i] = full[f + i - k]! + s;
      else if (op === 'mul') for (let i = k; i < end; i++) out[i] = full[f + i - k]! * s;
      else if (op === 'sub') {
        if (smallFirst) for (let i = k; i < end; i++) out[i] = s - full[f + i - k]!;
        else for (let i = k; i < end; i++) out[i] = full[f + i - k]! - s;
      } else if (smallFirst) for (let i = k; i < end; i++) out[i] = s / full[f + i - k]!;
      else for (let i = k; i < end; i++) out[i] = full[f + i - k]! / s;
      k = end;
    }
  }
}
