import { quadraticLoss, Tensor } from '@nabla/autograd';
import {
  glorotUniform,
  heNormal,
  type Initializer,
  Linear,
  type Module,
  ReLU,
  Sequential,
  Sigmoid,
  Tanh,
} from '@nabla/layers';
import { NDArray, Random } from '@nabla/tensor';

/**
 * Course: "ReLU attenuates the gradient less, so more layers". Backpropagation multiplies the delta by
 * Wᵀ and by f′(z) once per layer, δ(l) = (W(l)ᵀ δ(l+1)) ∘ f′(z(l)); the sigmoid's f′ is at most 1/4,
 * so with weights scaled to keep activations steady (Glorot) the delta shrinks by about that factor
 * per layer, while ReLU's f′ is 1 wherever a unit is active and He's initialization (variance 2/fan_in)
 * makes up for the half of the units that are not. This measures ‖∂L/∂W⁽¹⁾‖ — the first layer's
 * gradient, the one that has travelled through every layer — against depth.
 */
export type Activation = 'sigmoid' | 'tanh' | 'relu';

/** Each activation at its standard initialization, the library's initializers: Glorot for the S-curves, He for ReLU. */
export const SETUPS: Record<Activation, { layer: () => Module; init: Initializer; initName: string }> = {
  sigmoid: {
    layer: () => new Sigmoid(),
    init: glorotUniform,
    initName: 'glorotUniform (Glorot/Xavier uniform)',
  },
  tanh: { layer: () => new Tanh(), init: glorotUniform, initName: 'glorotUniform (Glorot/Xavier uniform)' },
  relu: { layer: () => new ReLU(), init: heNormal, initName: 'heNormal (He/Kaiming normal)' },
};

export interface AttenuationConfig {
  /** Hidden layers to try (each Linear(width, width) + activation). */
  depths: number[];
  width: number;
  batch: number;
  seeds: number[];
  /** Override the hidden activation of a setup (the test's mutation: ReLU's He init with a sigmoid). */
  layerOverride?: Partial<Record<Activation, () => Module>>;
}

export const FULL: AttenuationConfig = {
  depths: Array.from({ length: 20 }, (_, k) => k + 1),
  width: 64,
  batch: 32,
  seeds: [1, 2, 3, 4, 5],
};

/**
 * The first layer's gradient norm ‖∂L/∂W⁽¹⁾‖_F for one network: `depth` hidden layers
 * x → Linear(width, width) → f → … → Linear(width, 1), quadratic loss ½(y − ŷ)² averaged over a batch of
 * N(0, 1) inputs with N(0, 1) targets. Float64, biases zero (the course's and Matlab's default).
 */
export function firstLayerGradientNorm(
  activation: Activation,
  depth: number,
  seed: number,
  config: Pick<AttenuationConfig, 'width' | 'batch' | 'layerOverride'>,
): number {
  const g = new Random(seed);
  const { width, batch } = config;
  const setup = SETUPS[activation];
  const makeLayer = config.layerOverride?.[activation] ?? setup.layer;
  const layers: Module[] = [];
  for (let l = 0; l < depth; l++) {
    layers.push(
      new Linear(width, width, { weightInit: setup.init, generator: g, dtype: 'float64' }),
      makeLayer(),
    );
  }
  const first = layers[0] as Linear;
  layers.push(new Linear(width, 1, { weightInit: setup.init, generator: g, dtype: 'float64' }));
  const net = new Sequential(...layers);
  const draw = (n: number) =>
    new NDArray(
      Float64Array.from({ length: n }, () => g.normal()),
      [n],
    );
  const x = new Tensor(draw(batch * width).reshape([batch, width]));
  const y = new Tensor(draw(batch).reshape([batch, 1]));
  quadraticLoss(net.forward(x), y).backward();
  const grad = first.weight.grad!.values();
  let sum = 0;
  for (let k = 0; k < grad.length; k++) sum += grad[k]! * grad[k]!;
  return Math.sqrt(sum);
}

export interface AttenuationRow {
  activation: Activation;
  depth: number;
  /** One norm per seed. */
  norms: number[];
  /** Their geometric mean (the norms span orders of magnitude, so the mean of their logs). */
  geometricMean: number;
}

export function attenuation(config: AttenuationConfig = FULL): AttenuationRow[] {
  const rows: AttenuationRow[] = [];
  for (const activation of ['sigmoid', 'tanh', 'relu'] as const) {
    for (const depth of config.depths) {
      const norms = config.seeds.map((seed) => firstLayerGradientNorm(activation, depth, seed, config));
      const geometricMean = Math.exp(norms.reduce((s, v) => s + Math.log(v), 0) / norms.length);
      rows.push({ activation, depth, norms, geometricMean });
    }
  }
  return rows;
}

/** The geometric-mean norm at the deepest depth over the one at the shallowest, per activation. */
export function depthRatios(rows: AttenuationRow[]): Record<Activation, number> {
  const ratio = (a: Activation) => {
    const mine = rows.filter((r) => r.activation === a).sort((p, q) => p.depth - q.depth);
    return mine[mine.length - 1]!.geometricMean / mine[0]!.geometricMean;
  };
  return { sigmoid: ratio('sigmoid'), tanh: ratio('tanh'), relu: ratio('relu') };
}
