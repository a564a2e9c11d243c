import type { DemoOutput } from '../output.js';
import {
  CS231N,
  cellBounds,
  HIDDEN_SEED,
  hiddenTarget,
  RECORDED_DEMO,
  type SearchResult,
  searchVolume,
} from './cs231n-volume.js';

const SEARCH_SEED = 1;

/** A [channel][row][col] volume as the cs231n demo lays it out: one 2-D slice after another. */
function slices(name: string, volume: number[][][]): string {
  return volume
    .map(
      (plane, c) =>
        `${name}[:,:,${c}]<br>${plane.map((row) => row.map((v) => String(v).padStart(2, '\u2007')).join('\u2007')).join('<br>')}`,
    )
    .join('<br><br>');
}

function solutionTable(target: number[][][], r: SearchResult): string {
  return `| input x (5×5×3, unpadded) | filter W0 (b0 = ${r.bias[0]}) | filter W1 (b1 = ${r.bias[1]}) | output V (3×3×2) | target |
|---|---|---|---|---|
| <code>${slices('x', r.input)}</code> | <code>${slices('w0', r.filters[0]!)}</code> | <code>${slices('w1', r.filters[1]!)}</code> | <code>${slices('o', r.output)}</code> | <code>${slices('o', target)}</code> |`;
}

export async function render(): Promise<DemoOutput> {
  const target = hiddenTarget();
  const hidden = searchVolume(target, { seed: SEARCH_SEED });
  const recorded = searchVolume(RECORDED_DEMO.output, { seed: SEARCH_SEED });
  if (!hidden.found || !recorded.found) throw new Error('cs231n-volume: the search failed; nothing to show');
  const bounds = cellBounds();
  const markdown = `
**Geometry.** Input 5×5×3, zero padding P = ${CS231N.padding} (so 7×7×3), K = 2 filters 3×3×3 with biases
b0 = ${CS231N.bias[0]}, b1 = ${CS231N.bias[1]}, stride S = ${CS231N.stride}: (5 − 3 + 2·1)/2 + 1 = 3, an output of 3×3×2.
Nabla computes it with \`fusedConv2d\` (the convolution plus the per-filter bias), and the test checks it
against the explicit sum V[o][i][j] = Σ_c Σ_u Σ_v x_pad[c][2i + u][2j + v]·W_o[c][u][v] + b_o.

**The course's exact numbers could not be matched: we do not have them.** The course shows a screenshot
of the cs231n demo's output volume, and that demo draws a new random input and new filters on every page
load; the numbers on the course's slide are not in this repository, and no copy of that particular slide
could be found. What *was* found is one other page load of the demo, written down (input, filters and
output) in a public repository ([charlesarichter/study_algorithms, neural_networks/conv.cpp](${RECORDED_DEMO.source})):
Nabla's convolution gives exactly the output recorded there from the input and filters recorded there
(so Nabla's convention — cross-correlation, zero padding, stride — is the demo's), and the search below
finds its own input and filters for that output.

**The search.** A seeded hill climb (seed ${SEARCH_SEED}) over all 129 integers at once — 75 input values in
{0, 1, 2}, 54 weights in {−1, 0, 1}, biases fixed at 1 and 0: change one value, keep the change when the
distance Σ|V − target| computed by \`conv2d\` does not grow, restart from a fresh draw after 20,000 steps.

*Why a solution is easy to find, and when none exists.* Every output cell is an integer: b_o plus a sum
of products of integers. A corner cell reads 2×2 unpadded pixels per channel (12 products), an edge
cell 2×3 (18), the centre 3×3 (27); each product lies in [−2, 2], so |V − b_o| is at most

| | | |
|---|---|---|
${bounds.map((row) => `| ${row.join(' | ')} |`).join('\n')}

A target outside those bounds has no solution (the test checks the search then reports failure), and one
near them is hard (it forces most pixels to 2 and most weights to ±1, which constrains the neighbouring
cells that share those pixels). The demo's outputs are single digits, far inside: 9 equations per slice
against 27 free weights, and given the input the two slices are independent problems (slice o depends
only on W_o and b_o; they share only the input), so there are many solutions.

**1. A target from a hidden draw** (seed ${HIDDEN_SEED}; the search sees only its output): found after
${hidden.restarts} restart(s), ${hidden.evaluations.toLocaleString('en-US')} conv2d evaluations.

${solutionTable(target, hidden)}

**2. The recorded page load's output** (charlesarichter/study_algorithms): found after
${recorded.restarts} restart(s), ${recorded.evaluations.toLocaleString('en-US')} conv2d evaluations —
a different input and different filters from the ones the demo drew, with the same output.

${solutionTable(RECORDED_DEMO.output, recorded)}
`;
  const pick = (r: SearchResult, t: number[][][]) => ({
    target: t,
    input: r.input,
    filters: r.filters,
    bias: r.bias,
    output: r.output,
    restarts: r.restarts,
    evaluations: r.evaluations,
  });
  return {
    name: 'cs231n-volume',
    figures: {
      searchSeed: SEARCH_SEED,
      hiddenSeed: HIDDEN_SEED,
      bounds,
      hidden: pick(hidden, target),
      recorded: { source: RECORDED_DEMO.source, ...pick(recorded, RECORDED_DEMO.output) },
    },
    markdown,
  };
}
