/**
 * DynamoDB's capacity, as DynamoDB itself reports it, for every call the handlers make: an HTTP
 * proxy in front of dynalite that adds `ReturnConsumedCapacity: TOTAL` to each request and hands
 * the `ConsumedCapacity` of each answer (an object, or an array for BatchWriteItem, BatchGetItem
 * and the transactions) to the meter. It sits on the wire rather than in the handlers' SDK client
 * so that it counts every call whatever code makes it — the handlers build their own clients
 * (lambdas/adapters/document-client.ts) — and it forwards the answer untouched (the SDK checks its
 * CRC32). dynalite computes the units as DynamoDB does: 1 WRU per KB written (a put over an item,
 * or a delete, costs the larger item), 1 RRU per 4 KB read consistently, half that eventually.
 */
import { createServer, request, Agent, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CapacityKind, CapacityMeter } from './local-meter';

export interface CapacityProxy {
  /** http://127.0.0.1:PORT — give this to the handlers as DYNAMODB_ENDPOINT. */
  readonly endpoint: string;
  stop(): Promise<void>;
}

const READ_OPERATIONS = new Set(['GetItem', 'BatchGetItem', 'Query', 'Scan', 'TransactGetItems']);
const WRITE_OPERATIONS = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems']);

export function capacityKind(operation: string): CapacityKind | undefined {
  if (READ_OPERATIONS.has(operation)) return 'read';
  if (WRITE_OPERATIONS.has(operation)) return 'write';
  return undefined;
}

/** The units of a `ConsumedCapacity` (one object, or one per table). */
export function consumedUnits(consumed: unknown): number {
  const entries = Array.isArray(consumed) ? consumed : consumed === undefined || consumed === null ? [] : [consumed];
  return entries.reduce<number>((sum, entry) => sum + (typeof (entry as { CapacityUnits?: unknown }).CapacityUnits === 'number' ? (entry as { CapacityUnits: number }).CapacityUnits : 0), 0);
}

export async function startCapacityProxy(target: string, meter: CapacityMeter): Promise<CapacityProxy> {
  const upstream = new URL(target);
  const agent = new Agent({ keepAlive: true });

  const server = createServer((req, res) => {
    void forward(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
  });

  async function forward(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readAll(req);
    const operation = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
    const kind = capacityKind(operation);
    let sent = body;
    if (kind) {
      try {
        const input = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
        if (input.ReturnConsumedCapacity === undefined || input.ReturnConsumedCapacity === 'NONE') {
          input.ReturnConsumedCapacity = 'TOTAL';
          sent = Buffer.from(JSON.stringify(input), 'utf8');
        }
      } catch {
        // Not JSON: dynalite answers it as DynamoDB would; nothing to meter.
      }
    }
    const headers = { ...req.headers, host: upstream.host, 'content-length': String(sent.length) };
    const answer = await new Promise<IncomingMessage>((resolve, reject) => {
      const out = request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers, agent }, resolve);
      out.once('error', reject);
      out.end(sent);
    });
    const chunks: Buffer[] = [];
    res.writeHead(answer.statusCode ?? 502, answer.headers);
    answer.on('data', (chunk: Buffer) => {
      if (kind) chunks.push(chunk);
      res.write(chunk);
    });
    await new Promise<void>((resolve, reject) => {
      answer.once('end', resolve);
      answer.once('error', reject);
    });
    res.end();
    if (!kind || answer.statusCode !== 200) return;
    try {
      const output = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { ConsumedCapacity?: unknown };
      meter.consumed(operation, kind, consumedUnits(output.ConsumedCapacity));
    } catch {
      // an answer that is not JSON consumed nothing we can know of
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      agent.destroy();
    },
  };
}

function readAll(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
  });
}
