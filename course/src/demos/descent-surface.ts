import { quadraticLoss, Tensor } from '@nabla/autograd';
import { Neuron } from '@nabla/models';
import { type MinimizeResult, minimize } from '@nabla/optim';
import * as nd from '@nabla/tensor';

/**
 * A one-input sigmoid neuron y = σ(w·x + b) on eight labelled points whose classes overlap (so the
 * loss has a finite minimum): its quadratic loss J(w, b) = (1/N) Σ ½(yᵢ − σ(w·xᵢ + b))² is a surface
 * over the two parameters, and gradient descent walks down it.
 */
export const points = {
  x: [-3, -2, -1.5, -0.5, 0.5, 1, 2, 3],
  y: [0, 0, 0, 1, 0, 1, 1, 1],
};

/** Where the descent starts, the step and the stopping rule. */
export const descentSettings = { start: { w: -2, b: 2.5 }, lr: 1, tolerance: 1e-9, maxIterations: 20_000 };

/** A neuron with the given w and b, in float64. */
function neuronAt(w: number, b: number): Neuron {
  const neuron = new Neuron(1, { activation: 'sigmoid' }).to('float64');
  neuron.weight.data.data[0] = w;
  neuron.bias.data.data[0] = b;
  return neuron;
}

const input = () =>
  new Tensor(
    nd.tensor(
      points.x.map((v) => [v]),
      'float64',
    ),
  );
const target = () =>
  nd.tensor(
    points.y.map((v) => [v]),
    'float64',
  );

/** J(w, b), through the library's Neuron and quadraticLoss. */
export function lossAt(w: number, b: number): number {
  return quadraticLoss(neuronAt(w, b).forward(input()), target()).item();
}

/** The loss on a grid of (w, b): `steps + 1` values per axis over the given ranges. */
export function lossSurface(
  wRange: [number, number] = [-4, 4],
  bRange: [number, number] = [-4, 4],
  steps = 40,
): { w: number; b: number; loss: number }[] {
  const cells: { w: number; b: number; loss: number }[] = [];
  for (let i = 0; i <= steps; i++) {
    for (let j = 0; j <= steps; j++) {
      const w = wRange[0] + ((wRange[1] - wRange[0]) * i) / steps;
      const b = bRange[0] + ((bRange[1] - bRange[0]) * j) / steps;
      cells.push({ w, b, loss: lossAt(w, b) });
    }
  }
  return cells;
}

/** The descent: `minimize` (full-batch gradient descent until converged), with every (w, b) it visits. */
export function descend(settings = descentSettings): {
  result: MinimizeResult;
  path: { iteration: number; w: number; b: number; loss: number }[];
} {
  const neuron = neuronAt(settings.start.w, settings.start.b);
  const x = input();
  const y = target();
  const path: { iteration: number; w: number; b: number; loss: number }[] = [];
  const result = minimize(() => quadraticLoss(neuron.forward(x), y), neuron.parameters(), {
    lr: settings.lr,
    tolerance: settings.tolerance,
    maxIterations: settings.maxIterations,
    // Called after each evaluation, before the update: (w, b) is the point whose loss this is.
    onIteration: ({ iteration, loss }) => {
      path.push({ iteration, w: neuron.weight.data.data[0]!, b: neuron.bias.data.data[0]!, loss });
    },
  });
  return { result, path };
}
