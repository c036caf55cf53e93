// A tiny static server for the built site (node:http, no dependencies). With a progress file, it
// also answers /status.json live: the learner's own check status on every lesson page.
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { Progress } from '../progress.ts';

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

export interface LessonStatus {
  state: 'pass' | 'fail' | 'not-run';
  passedAt?: string;
  lastRun?: { passed: number; total: number; at: string };
}

/** The learner's status per lesson, from .workbook/progress.json (see tool/progress.ts). */
export function statusFrom(progressFile: string, lessonIds: string[]): { available: true; lessons: Record<string, LessonStatus> } {
  let progress: Partial<Progress> = {};
  try {
    if (existsSync(progressFile)) progress = JSON.parse(readFileSync(progressFile, 'utf8')) as Partial<Progress>;
  } catch {
    // A damaged or half-written file reads as no progress; tool/progress.ts deals with it.
  }
  const lessons: Record<string, LessonStatus> = {};
  for (const id of lessonIds) {
    const p = progress.lessons?.[id];
    lessons[id] = p?.passedAt
      ? { state: 'pass', passedAt: p.passedAt, lastRun: p.lastRun }
      : p?.lastRun
        ? { state: 'fail', lastRun: p.lastRun }
        : { state: 'not-run' };
  }
  return { available: true, lessons };
}

export interface ServeOptions {
  /** The built site. */
  dir: string;
  port?: number;
  host?: string;
  /** Serve the site under this path instead of at the root, as a static host might: '/course/'. */
  base?: string;
  /** Answer /status.json live from this progress file, for these lessons. */
  status?: { progressFile: string; lessonIds: () => string[] };
}

export interface Running {
  url: string;
  server: Server;
  close(): Promise<void>;
}

export function serve(options: ServeOptions): Promise<Running> {
  const dir = resolve(options.dir);
  const base = `/${(options.base ?? '').replace(/^\/+|\/+$/g, '')}/`.replace(/^\/\/$/, '/');
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    let path: string;
    try {
      path = decodeURIComponent(url.pathname);
    } catch {
      res.writeHead(400).end('Bad request');
      return;
    }
    if (!`${path}/`.startsWith(base)) {
      res.writeHead(404, { 'content-type': types['.txt']! }).end(`Not found: ${path} (the site is under ${base})`);
      return;
    }
    path = `/${path.slice(base.length)}`;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (path === '/status.json' && options.status) {
      const body = JSON.stringify(statusFrom(options.status.progressFile, options.status.lessonIds()));
      res.writeHead(200, { 'content-type': types['.json']!, 'cache-control': 'no-store' }).end(req.method === 'HEAD' ? undefined : body);
      return;
    }
    let file = normalize(join(dir, path));
    if (file !== dir && !file.startsWith(dir + sep)) {
      res.writeHead(403).end('Forbidden');
      return;
    }
    if (existsSync(file) && statSync(file).isDirectory()) {
      if (!url.pathname.endsWith('/')) {
        res.writeHead(301, { location: `${url.pathname}/${url.search}` }).end();
        return;
      }
      file = join(file, 'index.html');
    }
    if (!existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404, { 'content-type': types['.txt']! }).end(`Not found: ${path}`);
      return;
    }
    res.writeHead(200, {
      'content-type': types[extname(file)] ?? 'application/octet-stream',
      'content-length': statSync(file).size,
      'cache-control': path.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
  });
  return new Promise((resolveStart, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      const address = server.address() as AddressInfo;
      resolveStart({
        url: `http://${address.address}:${address.port}${base}`,
        server,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
