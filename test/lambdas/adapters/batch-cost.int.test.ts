/**
 * What a log.batch and a subscribe cost on the real table (dynalite, ReturnConsumedCapacity): a
 * batch is one write of its compressed lines and a few small reads — nothing is deleted, however
 * long the container has been logging — and a subscribe's history is one bounded read.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { LogLine } from '../../../protocol';
import { ingestBatch } from '../../../lambdas/domain/ingest-batch';
import { subscribe } from '../../../lambdas/domain/subscribe';
import { agentBatch } from '../../support/packed-batches';
import { meterCapacity, type CapacityMeter } from './consumed-capacity';
import { openLocalTable, T0, type LocalTable } from './local-table';
import { addHost, tableDeps, type TableDeps } from './table-deps';

const iso = new Date(T0).toISOString();
const EPOCH = T0 - 3_600_000;
let count = 0;
const fresh = (prefix: string) => `${prefix}-${++count}`;

/** Access-log-like lines of about 100 bytes, each with its own path and request id. */
function accessLines(first: number, last: number): LogLine[] {
  return Array.from({ length: last - first + 1 }, (_, i) => {
    const seq = first + i;
    const id = createHash('sha256').update(String(seq)).digest('hex').slice(0, 16);
    return { seq, ts: `2026-11-25T11:00:00.${String(seq * 1371).padStart(9, '0')}Z`, stream: 'stdout', text: `10.0.${seq % 7}.${seq % 250} GET /api/items/${seq * 37} 200 ${(seq * 13) % 900}ms req=${id} ua=curl/8.5` };
  });
}

describe('what a batch costs, on dynalite', () => {
  let table: LocalTable;
  let deps: TableDeps;
  let meter: CapacityMeter;
  let container: { agentId: string; containerId: string };
  let agentConn: string;
  const agent = () => ({ connectionId: agentConn, role: 'agent' as const, requestTime: T0, agentId: container.agentId, connectedAt: T0 });

  beforeAll(async () => {
    table = await openLocalTable();
    meter = meterCapacity(table);
  });
  afterAll(async () => {
    meter.stop();
    await table.close();
  });
  beforeEach(async () => {
    deps = tableDeps(table);
    container = { agentId: fresh('host'), containerId: fresh('c') };
    agentConn = fresh('agent');
    await deps.connections.add({ connectionId: agentConn, role: 'agent', connectedAt: iso, agentId: container.agentId });
    await addHost(deps, container, agentConn, iso);
    const viewer = fresh('viewer');
    await deps.connections.add({ connectionId: viewer, role: 'viewer', connectedAt: iso });
    await subscribe(deps, { connectionId: viewer, role: 'viewer', requestTime: T0 }, { action: 'log.subscribe', ...container });
  });

  it.each([
    // Measured: 11 WRU + 5 RRU (10.4 KB compressed: the put, then the registration, the overlap
    // check of the 10 KB batch before it, the subscribers); 1 WRU + 3 RRU.
    ['500 lines of ~100 bytes (50 KB of text)', 500, { writes: 11, reads: 5 }],
    ['one line (a trickle)', 1, { writes: 1, reads: 3 }],
  ])('%s: one write of the compressed lines and a few small reads, with a full buffer behind it and no delete', async (_name, size, most) => {
    // A day's worth of buffer would be trimmed on every batch; here nothing is.
    for (let first = 1; first <= 20 * size; first += size) await ingestBatch(deps, agent(), agentBatch(container.containerId, EPOCH, accessLines(first, first + size - 1)));
    table.commands.length = 0;
    meter.reset();

    await ingestBatch(deps, agent(), agentBatch(container.containerId, EPOCH, accessLines(20 * size + 1, 21 * size)));

    expect(table.commands).not.toContain('DeleteCommand');
    expect(table.commands).not.toContain('BatchWriteCommand');
    expect(meter.writeUnits()).toBeLessThanOrEqual(most.writes);
    expect(meter.readUnits()).toBeLessThanOrEqual(most.reads);
  });

  it("reads a subscribe's history with one bounded Query, however long the buffer", async () => {
    for (let seq = 1; seq <= 1500; seq++) await ingestBatch(deps, agent(), agentBatch(container.containerId, EPOCH, accessLines(seq, seq)));
    const viewer = fresh('viewer');
    await deps.connections.add({ connectionId: viewer, role: 'viewer', connectedAt: iso });
    meter.reset();

    await subscribe(deps, { connectionId: viewer, role: 'viewer', requestTime: T0 }, { action: 'log.subscribe', ...container });

    // Measured 84 RRU: 1000 one-line items of ~300 bytes read strongly consistent (~75), the resume
    // point's two items, the caps and the subscription's own checks. Not the 1500 batches held.
    expect(meter.readUnits()).toBeLessThan(90);
  }, 120_000);
});
