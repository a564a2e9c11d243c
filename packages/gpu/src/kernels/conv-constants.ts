import type { Conv2dGeometry } from '@nabla/tensor';

/** A convolution's geometry as gpu.js kernel constants (short names: they become shader identifiers). */
export interface ConvConstants {
  N: number;
  CI: number;
  H: number;
  W: number;
  CO: number;
  KH: number;
  KW: number;
  SH: number;
  SW: number;
  PH: number;
  PW: number;
  DH: number;
  DW: number;
  HO: number;
  WO: number;
  /** Input and output channels per group. */
  CIG: number;
  COG: number;
}

export function convConstants(g: Conv2dGeometry): ConvConstants {
  return {
    N: g.batch,
    CI: g.inChannels,
    H: g.inHeight,
    W: g.inWidth,
    CO: g.outChannels,
    KH: g.kernelHeight,
    KW: g.kernelWidth,
    SH: g.strideHeight,
    SW: g.strideWidth,
    PH: g.padHeight,
    PW: g.padWidth,
    DH: g.dilationHeight,
    DW: g.dilationWidth,
    HO: g.outHeight,
    WO: g.outWidth,
    CIG: g.inChannels / g.groups,
    COG: g.outChannels / g.groups,
  };
}

/** A cache key that identifies a compiled convolution kernel: every constant baked into it. */
export function convKey(op: string, g: Conv2dGeometry): string {
  return `${op}:${Object.values(convConstants(g)).join(',')}`;
}
