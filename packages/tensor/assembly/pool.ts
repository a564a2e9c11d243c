/**
 * Max pooling (reference/max-pool2d.ts defines it): each output is the largest input in its window,
 * with the flat input index of the winner kept for the backward pass. The scan rule, shared with
 * every backend: the window's first value starts, a later one replaces it when it is larger or is
 * a NaN, and nothing replaces a NaN (so the first maximum wins ties and the first NaN wins).
 * x, y, argmax are byte addresses; argmax holds int32 indices into x. (isNaN here is
 * AssemblyScript's, typed f32: no coercion.) Nothing here allocates: the module's memory past the
 * heap base belongs to the TypeScript side.
 */

/** Whether a candidate v replaces the current best, lane by lane: (v > best or v is NaN) and best is not NaN. */
function takes(v: v128, best: v128): v128 {
  return v128.and(v128.or(f32x4.gt(v, best), f32x4.ne(v, v)), f32x4.eq(best, best));
}

/**
 * 2×2 windows with stride 2 and no padding (LeNet's, VGG's), four outputs at a time: two rows of
 * eight inputs, split into the window's four positions by even/odd shuffles, compared in scan order.
 */
function maxPool2x2(x: usize, y: usize, argmax: usize, planes: i32, H: i32, W: i32, HO: i32, WO: i32): void {
  const lanes = i32x4(0, 2, 4, 6);
  let o: usize = 0;
  for (let p = 0; p < planes; p++) {
    const plane = p * H * W;
    for (let oy = 0; oy < HO; oy++) {
      const row = plane + 2 * oy * W;
      const top = x + <usize>row * 4;
      const bottom = top + <usize>W * 4;
      let ox = 0;
      for (; ox + 4 <= WO; ox += 4, o += 16) {
        const t0 = v128.load(top + <usize>ox * 8);
        const t1 = v128.load(top + <usize>ox * 8, 16);
        const b0 = v128.load(bottom + <usize>ox * 8);
        const b1 = v128.load(bottom + <usize>ox * 8, 16);
        let best = f32x4.shuffle(t0, t1, 0, 2, 4, 6);
        const base = i32x4.add(i32x4.splat(row + 2 * ox), lanes);
        let at = base;
        let v = f32x4.shuffle(t0, t1, 1, 3, 5, 7);
        let take = takes(v, best);
        best = v128.bitselect(v, best, take);
        at = v128.bitselect(i32x4.add(base, i32x4.splat(1)), at, take);
        v = f32x4.shuffle(b0, b1, 0, 2, 4, 6);
        take = takes(v, best);
        best = v128.bitselect(v, best, take);
        at = v128.bitselect(i32x4.add(base, i32x4.splat(W)), at, take);
        v = f32x4.shuffle(b0, b1, 1, 3, 5, 7);
        take = takes(v, best);
        best = v128.bitselect(v, best, take);
        at = v128.bitselect(i32x4.add(base, i32x4.splat(W + 1)), at, take);
        v128.store(y + o, best);
        v128.store(argmax + o, at);
      }
      for (; ox < WO; ox++, o += 4) {
        let at = row + 2 * ox;
        let best = load<f32>(x + <usize>at * 4);
        // The other three positions in scan order: right, below, below-right.
        for (let k = 1; k < 4; k++) {
          const i = row + 2 * ox + (k >> 1) * W + (k & 1);
          const v = load<f32>(x + <usize>i * 4);
          if (!isNaN(best) && (v > best || isNaN(v))) {
            best = v;
            at = i;
          }
        }
        store<f32>(y + o, best);
        store<i32>(argmax + o, at);
      }
    }
  }
}

/** Any window, stride and padding: the scan rule over the window's in-bounds inputs; −∞ and −1 for an empty window. */
export function maxPool2d(
  x: usize,
  y: usize,
  argmax: usize,
  planes: i32,
  H: i32,
  W: i32,
  KH: i32,
  KW: i32,
  SH: i32,
  SW: i32,
  PH: i32,
  PW: i32,
  HO: i32,
  WO: i32,
): void {
  if (KH === 2 && KW === 2 && SH === 2 && SW === 2 && PH === 0 && PW === 0) {
    maxPool2x2(x, y, argmax, planes, H, W, HO, WO);
    return;
  }
  let o: usize = 0;
  for (let p = 0; p < planes; p++) {
    const plane = p * H * W;
    for (let oy = 0; oy < HO; oy++) {
      const y0 = oy * SH - PH;
      for (let ox = 0; ox < WO; ox++, o += 4) {
        const x0 = ox * SW - PW;
        let best: f32 = -Infinity;
        let at = -1;
        for (let u = max(0, -y0); u < KH && y0 + u < H; u++) {
          const row = plane + (y0 + u) * W;
          for (let v = max(0, -x0); v < KW && x0 + v < W; v++) {
            const i = row + x0 + v;
            const value = load<f32>(x + <usize>i * 4);
            if (at < 0 || (!isNaN(best) && (value > best || isNaN(value)))) {
              best = value;
              at = i;
            }
          }
        }
        store<f32>(y + o, best);
        store<i32>(argmax + o, at);
      }
    }
  }
}
