import assert from 'node:assert/strict';
import { test } from 'node:test';
import { vegaLiteToSvg } from './output.js';

test('a Vega-Lite spec renders to an SVG with one mark per data point', async () => {
  const svg = await vegaLiteToSvg({
    data: {
      values: [
        { x: 0, y: 1 },
        { x: 1, y: 3 },
        { x: 2, y: 2 },
      ],
    },
    mark: 'point',
    encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } },
  });
  assert.match(svg, /^<svg /);
  assert.equal(svg.match(/class="mark-symbol role-mark marks"/g)?.length, 1);
  assert.equal(svg.match(/aria-roledescription="point"/g)?.length, 3);
});
