import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startStaticServer, type StaticServer } from '../../../infra/local/static-server';

let parent: string;
let root: string;
let server: StaticServer | undefined;

beforeEach(async () => {
  parent = await mkdtemp(join(tmpdir(), 'sidetail-static-'));
  root = join(parent, 'dist');
  await mkdir(join(root, 'assets'), { recursive: true });
  await writeFile(join(root, 'index.html'), '<!doctype html><title>Sidetail</title>');
  await writeFile(join(root, 'assets', 'index-abc123.js'), 'console.log("app")');
  await writeFile(join(root, 'assets', 'index-abc123.css'), 'body{}');
  await writeFile(join(parent, 'secret.txt'), 'TOP SECRET');
});

afterEach(async () => {
  await server?.stop();
  server = undefined;
  await rm(parent, { recursive: true, force: true });
});

async function start(dir = root) {
  server = await startStaticServer({ root: dir, port: 0, host: '127.0.0.1', config: { wsUrl: 'ws://127.0.0.1:4510/local' } });
  return server;
}

/** A raw request: the path goes on the wire exactly as given (no client-side normalising). */
function get(path: string, method = 'GET'): Promise<{ status: number; type?: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server!.port, path, method }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode!, type: res.headers['content-type'], body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('local static server', () => {
  it('serves index.html at /', async () => {
    await start();

    expect(await get('/')).toEqual({ status: 200, type: 'text/html; charset=utf-8', body: '<!doctype html><title>Sidetail</title>' });
  });

  it.each([
    ['/assets/index-abc123.js', 'text/javascript; charset=utf-8'],
    ['/assets/index-abc123.css', 'text/css; charset=utf-8'],
    ['/index.html', 'text/html; charset=utf-8'],
  ])('serves %s as %s', async (path, type) => {
    await start();

    const response = await get(path);

    expect(response.status).toBe(200);
    expect(response.type).toBe(type);
  });

  it('serves /config.json with the WebSocket URL, in the shape CloudFront serves', async () => {
    await start();

    const response = await get('/config.json');

    expect(response.type).toBe('application/json; charset=utf-8');
    expect(JSON.parse(response.body)).toEqual({ wsUrl: 'ws://127.0.0.1:4510/local' });
  });

  it('answers config.json with 503 until the WebSocket URL is known', async () => {
    let wsUrl: string | undefined;
    server = await startStaticServer({ root, config: () => (wsUrl ? { wsUrl } : undefined) });

    const before = await get('/config.json');
    wsUrl = 'ws://127.0.0.1:4999/local';
    const after = await get('/config.json');

    expect(before.status).toBe(503);
    expect(JSON.parse(after.body)).toEqual({ wsUrl: 'ws://127.0.0.1:4999/local' });
  });

  it('falls back to index.html for client-side routes', async () => {
    await start();

    expect((await get('/hosts/my-host')).body).toContain('<title>Sidetail</title>');
  });

  it('answers 404 for a missing file with an extension instead of the app', async () => {
    await start();

    expect((await get('/assets/missing.js')).status).toBe(404);
  });

  it.each([
    ['/../secret.txt', 404], // normalised by URL parsing to /secret.txt, which root does not have
    ['/%2e%2e/secret.txt', 404], // likewise
    ['/..%2fsecret.txt', 403],
    ['/assets/..%2f..%2fsecret.txt', 403],
    ['/..%5csecret.txt', 404], // a backslash is an ordinary file-name character on POSIX
    ['/%00', 403],
  ])('never serves anything outside the root for %s', async (path, status) => {
    await start();

    const response = await get(path);

    expect(response.status).toBe(status);
    expect(response.body).not.toContain('TOP SECRET');
  });

  it('does not follow a symlink out of the root', async () => {
    await symlink(join(parent, 'secret.txt'), join(root, 'leak.txt'));
    await start();

    const response = await get('/leak.txt');

    expect(response.status).toBe(404);
    expect(response.body).not.toContain('TOP SECRET');
  });

  it('refuses methods other than GET and HEAD', async () => {
    await start();

    expect((await get('/', 'POST')).status).toBe(405);
    expect(await get('/', 'HEAD')).toMatchObject({ status: 200, body: '' });
  });

  it('explains how to build the dashboard when it is not built yet', async () => {
    await start(join(parent, 'not-built'));

    const response = await get('/');

    expect(response.status).toBe(503);
    expect(response.body).toContain('npm run build:web');
    expect((await get('/config.json')).status).toBe(200);
  });
});
