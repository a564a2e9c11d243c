import type { DemoOutput } from '../output.js';
import { deltaRule, layerTwoWays, network } from './delta-rule.js';

const v = (values: number[]) => `(${values.map((x) => Number(x.toPrecision(5))).join(', ')})`;
const m = (rows: number[][]) =>
  `[${rows.map((r) => r.map((x) => Number(x.toPrecision(5))).join(' ')).join('; ')}]`;

/** Everything the demo computes (compared with the committed JSON by the test). */
export const deltaRuleFigures = () => ({ network, layer: layerTwoWays(), backprop: deltaRule() });

/** `pnpm --filter @nabla/course render delta-rule`: a layer in vector form, and the delta rule by hand vs autograd. */
export async function render(): Promise<DemoOutput> {
  const f = deltaRuleFigures();
  const b = f.backprop;
  const markdown = [
    `A 2-3-1 sigmoid network, W⁽¹⁾ = ${m(network.W1)}, b⁽¹⁾ = ${v(network.b1)}, W⁽²⁾ = ${m(network.W2)}, b⁽²⁾ = ${v(network.b2)}, on x = ${v(network.x)} with target y = ${v(network.y)}.`,
    '',
    `**The hidden layer, two ways.** Three \`Neuron\`s, one per row of W⁽¹⁾: ${v(f.layer.byNeuron)}. The vector form f(W⁽¹⁾x + b⁽¹⁾), one matrix product: ${v(f.layer.vectorForm)}.`,
    '',
    '**The delta rule by hand:**',
    '',
    '| | value |',
    '|---|---|',
    `| z⁽²⁾ = W⁽¹⁾x + b⁽¹⁾, a⁽²⁾ = f(z⁽²⁾) | ${v(b.z2)}, ${v(b.a2)} |`,
    `| z⁽³⁾, a⁽³⁾, J = ½‖y − a⁽³⁾‖² | ${v(b.z3)}, ${v(b.a3)}, ${b.loss.toPrecision(5)} |`,
    `| δ⁽³⁾ = −(y − a⁽³⁾) ∘ f′(z⁽³⁾) | ${v(b.delta3)} |`,
    `| δ⁽²⁾ = (W⁽²⁾ᵀ δ⁽³⁾) ∘ f′(z⁽²⁾) | ${v(b.delta2)} |`,
    `| ∂J/∂W⁽²⁾ = δ⁽³⁾ a⁽²⁾ᵀ | ${m(b.hand.dW2)} |`,
    `| ∂J/∂W⁽¹⁾ = δ⁽²⁾ xᵀ | ${m(b.hand.dW1)} |`,
    `| ∂J/∂b⁽²⁾, ∂J/∂b⁽¹⁾ | ${v(b.hand.db2)}, ${v(b.hand.db1)} |`,
    '',
    `Autograd's gradients of the same network (\`loss.backward()\`) differ from these by at most **${b.maxDifference.toExponential(1)}**.`,
  ].join('\n');
  return { name: 'delta-rule', figures: f, markdown };
}
