/** The few parts of ConvNetJS 0.3.0 (CommonJS, untyped) that the bench uses. Volumes are Float64Array, HWC. */
declare module 'convnetjs' {
  namespace convnetjs {
    class Vol {
      constructor(sx: number, sy: number, depth: number, fill?: number);
      sx: number;
      sy: number;
      depth: number;
      w: Float64Array;
      dw: Float64Array;
    }
    class ConvLayer {
      constructor(opt: {
        in_sx: number;
        in_sy: number;
        in_depth: number;
        sx: number;
        filters: number;
        stride?: number;
        pad?: number;
      });
      forward(v: Vol, isTraining: boolean): Vol;
      backward(): void;
    }
    type LayerDef = Record<string, string | number>;
    class Net {
      makeLayers(defs: LayerDef[]): void;
      forward(v: Vol, isTraining?: boolean): Vol;
    }
    class Trainer {
      constructor(
        net: Net,
        options: {
          method?: string;
          learning_rate?: number;
          momentum?: number;
          batch_size?: number;
          l2_decay?: number;
        },
      );
      train(x: Vol, y: number): unknown;
    }
  }
  export = convnetjs;
}
