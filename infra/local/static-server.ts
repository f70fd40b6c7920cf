/**
 * Serves the built dashboard (web/dist) the way S3+CloudFront will: files with their content
 * types, index.html for client-side routes, and `/config.json` telling the dashboard where the
 * WebSocket API is. Nothing outside `root` is ever served.
 */
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { extname, resolve, sep } from 'node:path';
import { contentTypeFor } from './content-types';
import { listen, urlHost } from './listen';

/** The same shape CloudFront serves from the deployed bucket. */
export interface DashboardConfig {
  readonly wsUrl: string;
}

export interface StaticServerOptions {
  /** The built dashboard, e.g. web/dist. It may not exist yet: the server then explains. */
  readonly root: string;
  /** Default 0: an ephemeral port. */
  readonly port?: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** A function when the URL is not known yet as the server starts; undefined until then (503). */
  readonly config: DashboardConfig | (() => DashboardConfig | undefined);
}

export interface StaticServer {
  /** http://127.0.0.1:PORT/ */
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

export async function startStaticServer(options: StaticServerOptions): Promise<StaticServer> {
  const host = options.host ?? '127.0.0.1';
  const root = resolve(options.root);
  const { config } = options;
  const configBody = () => {
    const value = typeof config === 'function' ? config() : config;
    return value === undefined ? undefined : JSON.stringify(value);
  };

  const server = createServer((req, res) => {
    serve(root, configBody, req, res).catch(() => {
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', 'internal error\n');
      else res.destroy();
    });
  });
  const port = await listen(server, options.port ?? 0, host);
  return {
    url: `http://${urlHost(host)}:${port}/`,
    port,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}

async function serve(root: string, configBody: () => string | undefined, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    return send(res, 405, 'text/plain; charset=utf-8', 'method not allowed\n');
  }
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://static.invalid').pathname);
  } catch {
    return send(res, 400, 'text/plain; charset=utf-8', 'bad request path\n');
  }
  if (pathname === '/config.json') {
    const body = configBody();
    res.setHeader('Cache-Control', 'no-store');
    if (body === undefined) return send(res, 503, 'text/plain; charset=utf-8', 'the WebSocket API is still starting\n');
    return send(res, 200, 'application/json; charset=utf-8', body, req.method === 'HEAD');
  }

  const target = resolve(root, `.${pathname}`);
  // Decoded "%2e%2e%2f" and friends can climb out of root; a NUL byte can confuse the filesystem.
  if (pathname.includes('\0') || !within(root, target)) return send(res, 403, 'text/plain; charset=utf-8', 'forbidden\n');

  const file = (await servableFile(root, target)) ?? (await servableFile(root, resolve(target, 'index.html')));
  if (file) return sendFile(res, file, req.method === 'HEAD');

  // Client-side routes have no extension; a missing asset is a real 404, not the app.
  if (extname(pathname) === '') {
    const index = await servableFile(root, resolve(root, 'index.html'));
    if (index) return sendFile(res, index, req.method === 'HEAD');
    return send(res, 503, 'text/plain; charset=utf-8', 'The dashboard is not built yet: run `npm run build:web` (npm start does it for you).\n');
  }
  return send(res, 404, 'text/plain; charset=utf-8', 'not found\n');
}

function within(root: string, path: string): boolean {
  return path === root || path.startsWith(root + sep);
}

/** The file's real path, if it is a regular file that really lives under root (symlinks included). */
async function servableFile(root: string, path: string): Promise<{ path: string; size: number } | undefined> {
  try {
    const real = await realpath(path);
    if (!within(await realpath(root), real)) return undefined;
    const info = await stat(real);
    return info.isFile() ? { path: real, size: info.size } : undefined;
  } catch {
    return undefined;
  }
}

function sendFile(res: ServerResponse, { path, size }: { path: string; size: number }, headOnly: boolean): void {
  res.setHeader('Content-Type', contentTypeFor(path));
  res.setHeader('Content-Length', size);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  // Vite's hashed assets never change; index.html must be revalidated to pick up new builds.
  res.setHeader('Cache-Control', path.includes(`${sep}assets${sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache');
  res.statusCode = 200;
  if (headOnly) {
    res.end();
    return;
  }
  const stream = createReadStream(path);
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}

function send(res: ServerResponse, status: number, contentType: string, body: string, headOnly = false): void {
  res.writeHead(status, {
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(body),
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(headOnly ? undefined : body);
}
