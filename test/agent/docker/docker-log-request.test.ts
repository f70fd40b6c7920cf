import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { DockerRequestError, requestLogStream } from '../../../agent/docker/docker-log-request';

/** A real HTTP server on loopback standing in for dockerd's API: streaming answers are chunked, as Go's are. */
async function engine(handle: (path: string, res: ServerResponse) => void): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => handle(req.url ?? '', res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

function collect(stream: NodeJS.ReadableStream): Promise<{ body: Buffer; ended: boolean; error?: Error }> {
  const parts: Buffer[] = [];
  return new Promise((resolve) => {
    let ended = false;
    stream.on('data', (chunk: Buffer) => parts.push(chunk));
    stream.once('end', () => (ended = true));
    stream.once('error', (error: Error) => resolve({ body: Buffer.concat(parts), ended, error }));
    stream.once('close', () => resolve({ body: Buffer.concat(parts), ended }));
  });
}

describe('requestLogStream (a follow over a plain socket)', () => {
  const servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
  });

  it('sends the path, and streams the body a flushed chunk at a time until the engine ends it', async () => {
    let asked = '';
    const { server, port } = await engine((path, res) => {
      asked = path;
      res.writeHead(200, { 'Content-Type': 'application/vnd.docker.multiplexed-stream' });
      let i = 0;
      const timer = setInterval(() => {
        res.write(`line ${++i}\n`);
        if (i === 50) {
          clearInterval(timer);
          res.end();
        }
      }, 1);
    });
    servers.push(server);

    const stream = await requestLogStream({ host: '127.0.0.1', port }, '/containers/abc/logs?follow=1');
    const { body, ended, error } = await collect(stream);

    expect(asked).toBe('/containers/abc/logs?follow=1');
    expect(error).toBeUndefined();
    expect(ended).toBe(true);
    expect(body.toString()).toBe(Array.from({ length: 50 }, (_, i) => `line ${i + 1}\n`).join(''));
  });

  it('fails, without ending, when the connection is cut before the engine ended the body', async () => {
    const { server, port } = await engine((_path, res) => {
      res.writeHead(200);
      res.write('partial ');
      setTimeout(() => res.socket?.destroy(), 20);
    });
    servers.push(server);

    const stream = await requestLogStream({ host: '127.0.0.1', port }, '/containers/abc/logs');
    const { body, ended, error } = await collect(stream);

    expect(body.toString()).toBe('partial ');
    expect(ended).toBe(false);
    expect(error?.message).toMatch(/closed mid-stream/);
  });

  it.each([
    [404, 'No such container: abc'],
    [500, 'EMFILE: too many open files'],
  ])('rejects a %i with its status code and Docker\'s message, as dockerode does', async (status, message) => {
    const { server, port } = await engine((_path, res) => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ message }));
    });
    servers.push(server);

    const refused = requestLogStream({ host: '127.0.0.1', port }, '/containers/abc/logs');

    await expect(refused).rejects.toBeInstanceOf(DockerRequestError);
    await expect(refused).rejects.toMatchObject({ statusCode: status, message: `(HTTP code ${status}) ${message}` });
  });

  it('gives up when aborted while waiting for the answer', async () => {
    const { server, port } = await engine(() => {});
    servers.push(server);
    const abort = new AbortController();

    const pending = requestLogStream({ host: '127.0.0.1', port }, '/containers/abc/logs', abort.signal);
    setTimeout(() => abort.abort(), 20);

    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('loses nothing while its reader is paused: the socket waits, then every byte comes', async () => {
    const total = 4 * 1024 * 1024;
    const { server, port } = await engine((_path, res) => {
      res.writeHead(200);
      let sent = 0;
      const more = () => {
        while (sent < total) {
          const piece = Buffer.alloc(1024, sent % 251);
          sent += piece.length;
          if (!res.write(piece)) return void res.once('drain', more);
        }
        res.end();
      };
      more();
    });
    servers.push(server);

    const stream = await requestLogStream({ host: '127.0.0.1', port }, '/containers/abc/logs');
    stream.pause();
    await new Promise((r) => setTimeout(r, 200));
    expect(stream.readableLength).toBeLessThan(total);
    const { body, ended } = await collect(stream.resume());

    expect(ended).toBe(true);
    expect(body.length).toBe(total);
  });
});
