import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/**
 * A vega-lite spec drawn to SVG in Node: vega-lite compiles it to a vega spec, and a headless vega
 * View (renderer 'none': no canvas needed) renders the scene graph to SVG markup.
 */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  // A copy: vega tags the data objects it ingests, and the caller's spec must stay plain JSON.
  const view = new vega.View(vega.parse(compile(structuredClone(spec)).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

// The browser builds that match the versions this package renders with.
const SCRIPTS = [
  'https://cdn.jsdelivr.net/npm/vega@6.4.0',
  'https://cdn.jsdelivr.net/npm/vega-lite@6.4.3',
  'https://cdn.jsdelivr.net/npm/vega-embed@7',
];

/**
 * A page showing the chart: the vega-lite spec embedded as JSON and drawn by vega-embed (with
 * tooltips and the spec's actions), and the SVG rendered in Node already in place, so the page
 * still shows the chart where the scripts cannot be fetched (offline).
 */
export function chartHtml(spec: TopLevelSpec, svg: string, title: string): string {
  // '<' escaped so no string in the data can close the <script> element early.
  const json = JSON.stringify(spec).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(title)}</title>
${SCRIPTS.map((src) => `<script src="${src}"></script>`).join('\n')}
</head>
<body>
<div id="chart">${svg}</div>
<script type="application/json" id="spec">${json}</script>
<script>
  if (window.vegaEmbed) {
    vegaEmbed('#chart', JSON.parse(document.getElementById('spec').textContent), { renderer: 'svg' });
  }
</script>
</body>
</html>
`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}
