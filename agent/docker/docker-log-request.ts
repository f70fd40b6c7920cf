/**
 * A log follow (`GET /containers/{id}/logs?follow=1…`) over a plain socket to the Docker Engine.
 *
 * Why not dockerode's request: Docker flushes the stream after every log entry, so a busy
 * container's follow is one HTTP chunk per line, and Node's HTTP client calls into JavaScript for
 * each chunk (a parser callback, a Buffer, a stream push, a 'data' event): at a million lines that
 * costs more CPU than `docker logs` spends in all. Here the chunked coding is decoded a socket read
 * at a time, and the stream gets one Buffer per read. The rest of the API (list, inspect, events)
 * stays on dockerode, and so do endpoints this does not speak (TLS): see DockerContainerSource.
 *
 * The stream behaves like dockerode's: it ends (`end`) when Docker ends the body (the container
 * stopped), and fails (`error`, then `close` without `end`) when the connection is cut before that,
 * so the follower can tell a stopped container from a broken connection. It pauses the socket
 * when the reader does not keep up. A refusal (404, 500, …) rejects with an error carrying
 * `statusCode` and Docker's message, as dockerode's do.
 */
import { connect, type Socket } from 'node:net';
import { Readable } from 'node:stream';
import { ChunkedDecoder } from './chunked-decoder';

export type DockerSocketAddress = { readonly socketPath: string } | { readonly host: string; readonly port: number };

/** Docker refused the request (dockerode's error shape: `statusCode`, and the engine's message). */
export class DockerRequestError extends Error {
  override readonly name = 'DockerRequestError';
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(`(HTTP code ${statusCode}) ${message}`);
  }
}

/** Response headers bigger than this are not Docker's. */
const MAX_HEAD_BYTES = 64 * 1024;
/** An error body is a short JSON message; only this much of one is read. */
const MAX_ERROR_BODY_BYTES = 16 * 1024;

/** The follow's body as a stream; `socket` is the connection (destroying either ends both). */
export class DockerLogStream extends Readable {
  constructor(readonly socket: Socket) {
    super();
  }

  override _read(): void {
    this.socket.resume();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.socket.destroy();
    callback(error);
  }
}

export function requestLogStream(address: DockerSocketAddress, path: string, signal?: AbortSignal): Promise<DockerLogStream> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError());
    const socket = 'socketPath' in address ? connect(address.socketPath) : connect(address.port, address.host);
    let settled = false;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      reject(error);
    };
    const onAbort = () => fail(abortError());
    signal?.addEventListener('abort', onAbort, { once: true });
    socket.once('error', fail);
    socket.once('close', () => fail(new Error('Docker closed the connection before answering')));
    socket.once('connect', () => {
      socket.write(`GET ${path} HTTP/1.1\r\nHost: docker\r\nUser-Agent: sidetail-agent\r\nAccept: application/vnd.docker.multiplexed-stream, */*\r\n\r\n`);
    });

    let head: Buffer = Buffer.alloc(0);
    const onHead = (chunk: Buffer) => {
      head = head.length === 0 ? chunk : Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end === -1) {
        if (head.length > MAX_HEAD_BYTES) fail(new Error('Docker sent response headers larger than 64 KB'));
        return;
      }
      socket.removeListener('data', onHead);
      const response = parseHead(head.toString('latin1', 0, end));
      const rest = head.subarray(end + 4);
      if (!response) return fail(new Error(`Docker sent a response that is not HTTP: ${JSON.stringify(head.toString('latin1', 0, 80))}`));
      if (response.status !== 200) return readError(socket, response, rest, fail);
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      socket.removeAllListeners('error');
      socket.removeAllListeners('close');
      resolve(streamBody(socket, response, rest));
    };
    socket.on('data', onHead);
  });
}

interface ResponseHead {
  readonly status: number;
  readonly chunked: boolean;
  readonly contentLength: number | undefined;
}

function parseHead(text: string): ResponseHead | undefined {
  const [statusLine, ...lines] = text.split('\r\n');
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine ?? '');
  if (!status) return undefined;
  const headers = new Map<string, string>();
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  const length = headers.get('content-length');
  return {
    status: Number(status[1]),
    chunked: /\bchunked\b/i.test(headers.get('transfer-encoding') ?? ''),
    contentLength: length !== undefined && /^\d+$/.test(length) ? Number(length) : undefined,
  };
}

/** The body of a 200: decoded a socket read at a time, one Buffer per read, with the socket paused while the reader is full. */
function streamBody(socket: Socket, response: ResponseHead, rest: Buffer): DockerLogStream {
  const stream = new DockerLogStream(socket);
  const decoder = response.chunked ? new ChunkedDecoder() : undefined;
  let remaining = response.contentLength ?? Infinity;
  let ended = false;
  const finish = () => {
    ended = true;
    stream.push(null);
    // One request per connection: nothing more is read from it.
    socket.removeAllListeners('data');
    socket.end();
  };
  const receive = (chunk: Buffer) => {
    if (ended || chunk.length === 0) return;
    let body: Buffer;
    if (decoder) {
      try {
        body = decoder.push(chunk);
      } catch (error) {
        stream.destroy(error as Error);
        return;
      }
    } else {
      body = chunk.length > remaining ? chunk.subarray(0, remaining) : chunk;
      remaining -= body.length;
    }
    if (body.length > 0 && !stream.push(body)) socket.pause();
    if ((decoder && decoder.done) || remaining === 0) finish();
  };
  socket.on('data', receive);
  socket.once('end', () => {
    // Without chunked coding or a length, the body is what came until the close.
    if (!ended && !decoder && response.contentLength === undefined) return finish();
    if (!ended) stream.destroy(new Error('the connection to Docker closed mid-stream'));
  });
  socket.once('error', (error) => {
    if (!ended) stream.destroy(error);
  });
  socket.once('close', () => {
    if (!ended) stream.destroy(new Error('the connection to Docker closed mid-stream'));
  });
  if (rest.length > 0) receive(rest);
  return stream;
}

/** Reads a refusal's body (Docker's `{"message": …}`) and rejects with it. */
function readError(socket: Socket, response: ResponseHead, rest: Buffer, fail: (error: Error) => void): void {
  const decoder = response.chunked ? new ChunkedDecoder() : undefined;
  const parts: Buffer[] = [];
  let bytes = 0;
  const done = () => {
    const body = Buffer.concat(parts).toString('utf8');
    let message = body.trim();
    try {
      const parsed = JSON.parse(body) as { message?: unknown };
      if (typeof parsed.message === 'string') message = parsed.message;
    } catch {
      // not JSON: the text as it is
    }
    fail(new DockerRequestError(response.status, message || 'no message'));
  };
  const receive = (chunk: Buffer) => {
    let data: Buffer;
    try {
      data = decoder ? decoder.push(chunk) : chunk;
    } catch {
      return done();
    }
    parts.push(data);
    bytes += data.length;
    if ((decoder && decoder.done) || bytes >= (response.contentLength ?? MAX_ERROR_BODY_BYTES) || bytes >= MAX_ERROR_BODY_BYTES) done();
  };
  socket.removeAllListeners('close');
  socket.once('close', done);
  socket.on('data', receive);
  if (rest.length > 0) receive(rest);
  else if (response.contentLength === 0) done();
}

function abortError(): Error {
  return Object.assign(new Error('The operation was aborted'), { name: 'AbortError' });
}
