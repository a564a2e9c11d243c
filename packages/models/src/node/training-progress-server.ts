/// <reference types="node" />
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { ValueError } from '@nabla/tensor';
import type { IterationRecord } from '../training-options.js';
import {
  ProgressStream,
  type TrainingProgressPlot,
  type TrainingProgressPlotInfo,
} from '../training-progress-plot.js';
import { EPOCH_DATA, PROGRESS_DATA, trainingProgressSpec } from '../training-progress-spec.js';

/** Options of {@link serveTrainingProgress}. */
export interface ServeTrainingProgressOptions {
  /** Port to listen on; 0 (the default) picks a free one. */
  port?: number;
  /** Address to listen on; 127.0.0.1 by default, so the page is reachable from this machine only. */
  host?: string;
}

/** The served plot: a {@link TrainingProgressPlot} that also says where it is. */
export interface ServedTrainingProgress extends TrainingProgressPlot {
  /** The page's address, e.g. `http://127.0.0.1:40123/`. */
  url: string;
}

// The browser builds of the three libraries the page draws with, read from node_modules.
const SCRIPTS = [
  ['vega', 'vega.min.js'],
  ['vega-lite', 'vega-lite.min.js'],
  ['vega-embed', 'vega-embed.min.js'],
] as const;

/** The three scripts' text, or a clear error naming what to install. */
function browserScripts(): Map<string, string> {
  const require = createRequire(import.meta.url);
  const out = new Map<string, string>();
  for (const [name, file] of SCRIPTS) {
    let entry: string;
    try {
      entry = require.resolve(name);
    } catch {
      throw new ValueError(
        'trainNetwork',
        "plots 'training-progress' draws with vega, vega-lite and vega-embed, optional peer dependencies " +
          `of @nabla/models; ${name} is not installed (npm install vega vega-lite vega-embed)`,
      );
    }
    // Each package's main entry lives in its build/ folder, beside the minified browser build.
    out.set(`/${file}`, readFileSync(join(dirname(entry), file), 'utf8'));
  }
  return out;
}

function page(title: string): string {
  const escaped = title.replace(
    /[&<>"]/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!,
  );
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escaped}</title>
<style>body { font-family: Helvetica, Arial, sans-serif; margin: 16px; } #status { color: #555; margin: 8px 0; }</style>
${SCRIPTS.map(([, file]) => `<script src="/${file}"></script>`).join('\n')}
</head>
<body>
<div id="status">waiting for the first iteration…</div>
<div id="chart"></div>
<script>
  // The chart is embedded once; each server-sent event carries the rows of one iteration, inserted
  // into the spec's named sources (vega streaming), so the panels grow as training runs.
  const status = document.getElementById('status');
  window.nablaPoints = 0;
  fetch('/spec.json').then((r) => r.json()).then(async (spec) => {
    const { view } = await vegaEmbed('#chart', spec, { actions: false, renderer: 'svg' });
    window.nablaView = view; // for tests and the curious: view.data('progress') holds every row
    let queue = Promise.resolve();
    const events = new EventSource('/events');
    events.addEventListener('rows', (e) => {
      const rows = JSON.parse(e.data);
      queue = queue.then(async () => {
        view.insert(${JSON.stringify(PROGRESS_DATA)}, rows.progress);
        if (rows.epochs.length > 0) view.insert(${JSON.stringify(EPOCH_DATA)}, rows.epochs);
        await view.runAsync();
        window.nablaPoints += rows.progress.length;
        status.textContent = 'iteration ' + rows.iteration + ' of ' + rows.total;
      });
    });
    events.addEventListener('done', () => {
      events.close();
      queue = queue.then(() => { status.textContent += ' — training finished'; window.nablaDone = true; });
    });
  });
</script>
</body>
</html>
`;
}

/**
 * `plots: 'training-progress'` in Node: a page served on 127.0.0.1 (its address printed through
 * `info.log`) that shows Matlab's training-progress window — accuracy and loss, raw and smoothed
 * training curves, validation points, epoch rules — growing as the iterations arrive (server-sent
 * events into vega-embed's streaming view). A page opened late gets every point so far. The server
 * stops when training ends, and on Ctrl-C; it never keeps the process alive by itself.
 */
export async function serveTrainingProgress(
  info: TrainingProgressPlotInfo,
  options: ServeTrainingProgressOptions = {},
): Promise<ServedTrainingProgress> {
  const scripts = browserScripts();
  const spec = JSON.stringify(trainingProgressSpec({ title: info.title }));
  const html = page(info.title);
  const stream = new ProgressStream();
  const sent: string[] = []; // every event so far, replayed to a page that connects late
  const clients = new Set<ServerResponse>();
  let done = false;

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const headers = { 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' };
    if (path === '/')
      return void res.writeHead(200, { ...headers, 'Content-Type': 'text/html; charset=utf-8' }).end(html);
    if (path === '/spec.json')
      return void res.writeHead(200, { ...headers, 'Content-Type': 'application/json' }).end(spec);
    const script = scripts.get(path);
    if (script)
      return void res
        .writeHead(200, { ...headers, 'Content-Type': 'text/javascript; charset=utf-8' })
        .end(script);
    if (path === '/events') {
      res.writeHead(200, { ...headers, 'Content-Type': 'text/event-stream', Connection: 'keep-alive' });
      for (const event of sent) res.write(event);
      if (done) return void res.end();
      clients.add(res);
      req.socket.unref();
      req.on('close', () => clients.delete(res));
      return;
    }
    res.writeHead(404, { ...headers, 'Content-Type': 'text/plain' }).end('not found');
  };
  const server: Server = createServer(handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  // Training keeps the process busy; an open page must not keep it alive once training is over.
  server.unref();
  const { address, port } = server.address() as AddressInfo;
  const url = `http://${address}:${port}/`;

  const broadcast = (event: string) => {
    sent.push(event);
    for (const client of clients) client.write(event);
  };
  const stop = async () => {
    if (done) return;
    done = true;
    process.off('SIGINT', onSigint);
    broadcast('event: done\ndata: {}\n\n');
    for (const client of clients) client.end();
    clients.clear();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
  };
  // Ctrl-C: stop serving, then let the signal do what it would have done without this listener
  // (exit, unless someone else — the CLI — handles it too).
  const onSigint = () => {
    void stop().then(() => {
      if (process.listenerCount('SIGINT') === 0) process.kill(process.pid, 'SIGINT');
    });
  };
  process.on('SIGINT', onSigint);

  info.log(`training progress: ${url}`);
  return {
    url,
    update(record: IterationRecord) {
      if (done) return;
      const rows = stream.next(record);
      const payload = { ...rows, iteration: record.iteration, total: info.totalIterations };
      broadcast(`event: rows\ndata: ${JSON.stringify(payload)}\n\n`);
    },
    close: stop,
  };
}
