/**
 * The local stand-in for S3: an in-memory object store speaking S3's REST API, path-style
 * (`http://127.0.0.1:PORT/<bucket>/<key>`), to the real @aws-sdk/client-s3 — as much of it as
 * the product relies on, and behaving as S3 does there:
 *   - PutObject, with `If-None-Match: *` (a conditional write: 412 PreconditionFailed when the key
 *     exists); the SDK's checksums checked (object-checksums.ts), in headers or in the trailer of an
 *     aws-chunked body (aws-chunked.ts), so the SDK runs with the settings it has on AWS;
 *   - GetObject (its stored checksum returned when the SDK asks, which it then verifies),
 *     HeadObject, DeleteObject (204 whether or not the key existed);
 *   - S3's XML errors (NoSuchBucket, NoSuchKey, PreconditionFailed, BadDigest, NotImplemented, …),
 *     so the SDK throws the errors it throws on AWS;
 *   - strong read-after-write: an answered PUT is what every later GET sees;
 *   - a lifecycle rule: objects older than `expireAfterMs` are deleted by a sweep (free, as S3's
 *     expiry actions are), so `npm start`'s memory stays bounded; and, where a bound on bytes is
 *     given (`maxStoredBytes`, npm start's), the oldest objects go early when a PUT would pass it
 *     — as if their lifecycle had come: a buffer item whose object is gone is served as expired.
 * Signatures are not checked (like dynalite's); anything else is refused with 501 NotImplemented
 * rather than half done. Every request is counted by operation when a meter is given.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { BATCH_BUCKET_DESIGN } from '../../lambdas/batch-bucket-design';
import { LOCAL_REGION } from '../../lambdas/adapters/local-client-options';
import { AwsChunkedError, decodeAwsChunked } from './aws-chunked';
import { listen, urlHost } from './listen';
import type { ObjectRequestMeter } from './metering/local-meter';
import { ChecksumMismatchError, etagOf, UncheckedChecksumError, verifyChecksums, type ChecksumAlgorithm } from './object-checksums';

export interface LocalObjectStoreOptions {
  /** The buckets to create, empty. */
  readonly buckets: readonly string[];
  /** 0 (the default) picks a free port. */
  readonly port?: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /**
   * The lifecycle rule: every `intervalMs` (default 60 000) objects written `expireAfterMs` ago or
   * earlier (default BATCH_BUCKET_DESIGN's days) are deleted; `false` turns it off. `clock` (epoch
   * ms; also what Last-Modified is taken from) is for tests.
   */
  readonly lifecycle?: false | { readonly expireAfterMs?: number; readonly intervalMs?: number; readonly clock?: { now(): number } };
  /** Counts every request by operation (S3 bills per request). */
  readonly meter?: ObjectRequestMeter;
  /** A PutObject body larger than this is refused (EntityTooLarge). Default 64 MB: memory, not S3's 5 GB. */
  readonly maxObjectBytes?: number;
  /** The bytes held across buckets at most: a PUT that would pass it first deletes the oldest objects. Default: no bound, as S3. */
  readonly maxStoredBytes?: number;
}

export interface LocalObjectStore {
  /** e.g. http://127.0.0.1:41235 — the S3_ENDPOINT for the Lambdas (with forcePathStyle). */
  readonly endpoint: string;
  readonly region: string;
  /** Objects and bytes held now in `bucket` (undefined: no such bucket). */
  usage(bucket: string): { readonly objects: number; readonly bytes: number } | undefined;
  /** Deletes the objects expired by now (what the background sweep does); returns how many. Undefined with `lifecycle: false`. */
  readonly sweepExpired?: () => number;
  stop(): Promise<void>;
}

export class InvalidObjectStoreOptionsError extends Error {
  override readonly name = 'InvalidObjectStoreOptionsError';
}

/** S3 lifecycle rules run about daily; a minute keeps `npm start` bounded at no noticeable cost. */
export const DEFAULT_LIFECYCLE_SWEEP_INTERVAL_MS = 60_000;
const DAY_MS = 86_400_000;
const DEFAULT_MAX_OBJECT_BYTES = 64 * 1024 * 1024;
/** Query parameters that name no other operation: the SDK adds `x-id` to every request. */
const IGNORED_QUERY = new Set(['x-id']);

interface StoredObject {
  readonly body: Buffer;
  readonly etag: string;
  /** Epoch ms. */
  readonly lastModified: number;
  readonly contentType: string;
  readonly contentEncoding?: string;
  readonly checksums: Partial<Record<ChecksumAlgorithm, string>>;
  /** x-amz-meta-* headers, lower-case, as given. */
  readonly metadata: Readonly<Record<string, string>>;
}

/** An answer with one of S3's error codes. */
class S3Error extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

export async function startLocalObjectStore(options: LocalObjectStoreOptions): Promise<LocalObjectStore> {
  const host = options.host ?? '127.0.0.1';
  const maxObjectBytes = options.maxObjectBytes ?? DEFAULT_MAX_OBJECT_BYTES;
  const lifecycle = options.lifecycle === false ? undefined : options.lifecycle ?? {};
  const expireAfterMs = lifecycle?.expireAfterMs ?? BATCH_BUCKET_DESIGN.expireAfterDays * DAY_MS;
  const intervalMs = lifecycle?.intervalMs ?? DEFAULT_LIFECYCLE_SWEEP_INTERVAL_MS;
  if (lifecycle && !(Number.isFinite(expireAfterMs) && expireAfterMs > 0)) throw new InvalidObjectStoreOptionsError(`the lifecycle's expireAfterMs must be a positive number, got ${expireAfterMs}`);
  if (lifecycle && !(Number.isFinite(intervalMs) && intervalMs > 0)) throw new InvalidObjectStoreOptionsError(`the lifecycle's intervalMs must be a positive number, got ${intervalMs}`);
  if (!(Number.isSafeInteger(maxObjectBytes) && maxObjectBytes > 0)) throw new InvalidObjectStoreOptionsError(`maxObjectBytes must be a positive integer, got ${maxObjectBytes}`);
  const maxStoredBytes = options.maxStoredBytes ?? Number.POSITIVE_INFINITY;
  if (!(maxStoredBytes > 0)) throw new InvalidObjectStoreOptionsError(`maxStoredBytes must be a positive number, got ${maxStoredBytes}`);
  const clock = lifecycle?.clock ?? Date;

  // Each bucket's objects in the order they were written (a rewrite moves its key to the end): the oldest first.
  const buckets = new Map<string, Map<string, StoredObject>>(options.buckets.map((name) => [name, new Map()]));
  let storedBytes = 0;
  const remove = (bucket: Map<string, StoredObject>, key: string): void => {
    const object = bucket.get(key);
    if (!object) return;
    bucket.delete(key);
    storedBytes -= object.body.length;
  };
  /** Deletes the oldest objects, of any bucket, until `incoming` more bytes fit the bound. */
  const makeRoom = (incoming: number): void => {
    while (storedBytes + incoming > maxStoredBytes) {
      let oldest: { bucket: Map<string, StoredObject>; key: string; at: number } | undefined;
      for (const bucket of buckets.values()) {
        const first = bucket.entries().next();
        if (!first.done && (!oldest || first.value[1].lastModified < oldest.at)) oldest = { bucket, key: first.value[0], at: first.value[1].lastModified };
      }
      if (!oldest) return;
      remove(oldest.bucket, oldest.key);
    }
  };

  const server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendError(req, res, new S3Error(500, 'InternalError', `the local object store failed: ${error instanceof Error ? error.message : String(error)}`));
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://local');
    const slash = url.pathname.indexOf('/', 1);
    const bucketName = decodeURIComponent(slash < 0 ? url.pathname.slice(1) : url.pathname.slice(1, slash));
    const key = slash < 0 ? '' : decodeURIComponent(url.pathname.slice(slash + 1));
    const operation = operationOf(req.method ?? '', key);
    options.meter?.objectRequest(operation);
    try {
      const unsupported = [...url.searchParams.keys()].filter((name) => !IGNORED_QUERY.has(name));
      if (bucketName === '' || key === '' || unsupported.length > 0 || operation === 'Unknown') {
        throw new S3Error(501, 'NotImplemented', `the local object store implements PutObject, GetObject, HeadObject and DeleteObject, path-style; not ${req.method} ${url.pathname}${url.search}`);
      }
      const bucket = buckets.get(bucketName);
      if (!bucket) throw new S3Error(404, 'NoSuchBucket', 'The specified bucket does not exist', { BucketName: bucketName });
      switch (operation) {
        case 'PutObject':
          return await putObject(req, res, bucket, key);
        case 'GetObject':
        case 'HeadObject':
          return getObject(req, res, bucket, key, operation === 'HeadObject');
        case 'DeleteObject':
          remove(bucket, key);
          res.writeHead(204, { 'x-amz-request-id': randomUUID() }).end();
          return;
      }
    } catch (error) {
      // A PUT refused before its whole body was read: close the connection rather than read on.
      if (error instanceof S3Error) return sendError(req, res, error, operation === 'PutObject' && !req.readableEnded);
      throw error;
    }
  }

  async function putObject(req: IncomingMessage, res: ServerResponse, bucket: Map<string, StoredObject>, key: string): Promise<void> {
    const tooLarge = () => new S3Error(400, 'EntityTooLarge', `Your proposed upload exceeds the maximum allowed size (${maxObjectBytes} bytes locally)`);
    const declared = Number(header(req, 'x-amz-decoded-content-length') ?? header(req, 'content-length') ?? 0);
    if (declared > maxObjectBytes) throw tooLarge();
    // The body first, whatever the answer: a client still sending it would not read one sent early.
    const raw = await readBody(req, maxObjectBytes + 1024 * 1024);
    if (!raw) throw tooLarge();
    const ifNoneMatch = header(req, 'if-none-match');
    if (ifNoneMatch !== undefined && ifNoneMatch.trim() !== '*') throw new S3Error(501, 'NotImplemented', 'A header you provided implies functionality that is not implemented', { Header: 'If-None-Match' });
    if (header(req, 'if-match') !== undefined) throw new S3Error(501, 'NotImplemented', 'the local object store does not implement If-Match on PutObject', { Header: 'If-Match' });

    const encodings = (header(req, 'content-encoding') ?? '').split(',').map((e) => e.trim()).filter((e) => e !== '');
    const chunked = encodings.includes('aws-chunked');
    let body = raw;
    let fields: Record<string, string | undefined> = lowerHeaders(req);
    if (chunked) {
      try {
        const decoded = decodeAwsChunked(raw);
        body = decoded.body;
        fields = { ...fields, ...decoded.trailers };
      } catch (error) {
        if (error instanceof AwsChunkedError) throw new S3Error(400, 'InvalidRequest', error.message);
        throw error;
      }
      const decodedLength = header(req, 'x-amz-decoded-content-length');
      if (decodedLength !== undefined && Number(decodedLength) !== body.length) {
        throw new S3Error(400, 'IncompleteBody', `You did not provide the number of bytes specified by the x-amz-decoded-content-length header (${decodedLength}; got ${body.length})`);
      }
    }
    if (body.length > maxObjectBytes) throw tooLarge();
    // SigV4's payload hash, when the client signed one: S3 checks it even though the signature is not checked here.
    const payloadHash = header(req, 'x-amz-content-sha256');
    if (!chunked && payloadHash !== undefined && /^[0-9a-f]{64}$/.test(payloadHash) && createHash('sha256').update(body).digest('hex') !== payloadHash) {
      throw new S3Error(400, 'XAmzContentSHA256Mismatch', "The provided 'x-amz-content-sha256' header does not match what was computed.");
    }
    let checksums: Partial<Record<ChecksumAlgorithm, string>>;
    try {
      checksums = verifyChecksums(fields, body);
    } catch (error) {
      if (error instanceof ChecksumMismatchError) throw new S3Error(400, 'BadDigest', error.message);
      if (error instanceof UncheckedChecksumError) throw new S3Error(501, 'NotImplemented', error.message);
      throw error;
    }
    // Checked and written in one step (no await between): of racing conditional PUTs, one wins.
    if (ifNoneMatch !== undefined && bucket.has(key)) throw preconditionFailed();

    const rest = encodings.filter((e) => e !== 'aws-chunked');
    const stored: StoredObject = {
      body,
      etag: etagOf(body),
      lastModified: clock.now(),
      contentType: header(req, 'content-type') ?? 'binary/octet-stream',
      ...(rest.length > 0 ? { contentEncoding: rest.join(',') } : {}),
      checksums,
      metadata: Object.fromEntries(Object.entries(lowerHeaders(req)).filter(([name]) => name.startsWith('x-amz-meta-')) as [string, string][]),
    };
    remove(bucket, key);
    makeRoom(body.length);
    bucket.set(key, stored);
    storedBytes += body.length;
    res.writeHead(200, { 'x-amz-request-id': randomUUID(), etag: stored.etag, ...checksumHeaders(stored), 'content-length': '0' }).end();
  }

  function getObject(req: IncomingMessage, res: ServerResponse, bucket: Map<string, StoredObject>, key: string, headOnly: boolean): void {
    if (header(req, 'range') !== undefined) throw new S3Error(501, 'NotImplemented', 'the local object store does not implement ranged reads', { Header: 'Range' });
    const object = bucket.get(key);
    if (!object) throw new S3Error(404, 'NoSuchKey', 'The specified key does not exist.', { Key: key });
    const withChecksums = header(req, 'x-amz-checksum-mode')?.toUpperCase() === 'ENABLED';
    res.writeHead(200, {
      'x-amz-request-id': randomUUID(),
      'content-type': object.contentType,
      'content-length': String(object.body.length),
      etag: object.etag,
      'last-modified': new Date(object.lastModified).toUTCString(),
      'accept-ranges': 'bytes',
      ...(object.contentEncoding ? { 'content-encoding': object.contentEncoding } : {}),
      ...(withChecksums ? checksumHeaders(object) : {}),
      ...object.metadata,
    });
    res.end(headOnly ? undefined : object.body);
  }

  function sweepExpired(): number {
    const cutoff = clock.now() - expireAfterMs;
    let deleted = 0;
    for (const bucket of buckets.values()) {
      for (const [key, object] of bucket) {
        if (object.lastModified <= cutoff) {
          remove(bucket, key);
          deleted += 1;
        }
      }
    }
    return deleted;
  }

  const port = await listen(server, options.port ?? 0, host);
  let timer: NodeJS.Timeout | undefined;
  if (lifecycle) {
    timer = setInterval(sweepExpired, intervalMs);
    // The sweep must never be what keeps a process alive.
    timer.unref();
  }

  return {
    endpoint: `http://${urlHost(host)}:${port}`,
    region: LOCAL_REGION,
    usage(name) {
      const bucket = buckets.get(name);
      if (!bucket) return undefined;
      let bytes = 0;
      for (const object of bucket.values()) bytes += object.body.length;
      return { objects: bucket.size, bytes };
    },
    ...(lifecycle ? { sweepExpired } : {}),
    async stop() {
      clearInterval(timer);
      // Clients keep sockets alive; without dropping them, close() would wait for their timeouts.
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function operationOf(method: string, key: string): string {
  if (key === '') return 'Unknown';
  switch (method) {
    case 'PUT':
      return 'PutObject';
    case 'GET':
      return 'GetObject';
    case 'HEAD':
      return 'HeadObject';
    case 'DELETE':
      return 'DeleteObject';
    default:
      return 'Unknown';
  }
}

function preconditionFailed(): S3Error {
  return new S3Error(412, 'PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', { Condition: 'If-None-Match' });
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

function lowerHeaders(req: IncomingMessage): Record<string, string | undefined> {
  return Object.fromEntries(Object.keys(req.headers).map((name) => [name, header(req, name)]));
}

function checksumHeaders(object: StoredObject): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [algorithm, value] of Object.entries(object.checksums)) headers[`x-amz-checksum-${algorithm}`] = value;
  if (Object.keys(headers).length > 0) headers['x-amz-checksum-type'] = 'FULL_OBJECT';
  return headers;
}

/** The whole body, or undefined past `limit` bytes (the rest is not read). */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    const onData = (chunk: Buffer) => {
      length += chunk.length;
      if (length > limit) {
        req.off('data', onData);
        req.pause();
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
  });
}

function sendError(req: IncomingMessage, res: ServerResponse, error: S3Error, closeConnection = false): void {
  const requestId = randomUUID();
  const fields = Object.entries(error.extra)
    .map(([name, value]) => `<${name}>${xmlEscape(value)}</${name}>`)
    .join('');
  const body =
    req.method === 'HEAD'
      ? ''
      : `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${error.code}</Code><Message>${xmlEscape(error.message)}</Message>${fields}<RequestId>${requestId}</RequestId></Error>`;
  res.writeHead(error.status, {
    'x-amz-request-id': requestId,
    'content-type': 'application/xml',
    'content-length': String(Buffer.byteLength(body)),
    ...(closeConnection ? { connection: 'close' } : {}),
  });
  res.end(body);
}

function xmlEscape(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}
