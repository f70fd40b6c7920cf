/**
 * Asks DynamoDB (here dynalite) for the capacity every command consumed (ReturnConsumedCapacity
 * TOTAL) and adds it up, so a spec can state what an operation costs in read and write units.
 */
import type { LocalTable } from './local-table';

interface Capacity {
  CapacityUnits?: number;
  ReadCapacityUnits?: number;
  WriteCapacityUnits?: number;
}

export interface CapacityMeter {
  /** Write units consumed since the last reset. */
  readonly writeUnits: () => number;
  /** Read units consumed since the last reset. */
  readonly readUnits: () => number;
  reset(): void;
  stop(): void;
}

const READS = new Set(['GetCommand', 'QueryCommand', 'BatchGetCommand']);

export function meterCapacity(table: LocalTable): CapacityMeter {
  let writes = 0;
  let reads = 0;
  const client = table.client as unknown as { send: (command: unknown) => Promise<unknown> };
  const send = client.send;
  client.send = async (command: unknown) => {
    const typed = command as { input: Record<string, unknown>; constructor: { name: string } };
    typed.input.ReturnConsumedCapacity ??= 'TOTAL';
    const output = (await send.call(table.client, command)) as { ConsumedCapacity?: Capacity | Capacity[] };
    const consumed = [output.ConsumedCapacity ?? []].flat();
    const units = consumed.reduce((sum, capacity) => sum + (capacity.CapacityUnits ?? 0), 0);
    if (READS.has(typed.constructor.name)) reads += units;
    else writes += units;
    return output;
  };
  return {
    writeUnits: () => writes,
    readUnits: () => reads,
    reset: () => {
      writes = 0;
      reads = 0;
    },
    stop: () => {
      client.send = send;
    },
  };
}
