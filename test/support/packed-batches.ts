/**
 * Packed batches for tests on Node: build the `log.batch` an agent sends for some lines, and read
 * back the lines a viewer got (whole batches, and batches sent in parts once all parts are in).
 */
import type { AgentLogBatch, BatchPart, CloudToViewer, LogLine } from '../../protocol';
import { compressLines, decompressLines, packedBytes } from '../../protocol/packed-zlib';

interface PackedCarrier {
  readonly firstSeq: number;
  readonly lastSeq: number;
  readonly data: string;
  readonly part?: BatchPart;
}

/** The `log.batch` an agent sends for `lines` (consecutive seqs): one message, compressed once. */
export function agentBatch(containerId: string, epoch: number, lines: readonly LogLine[]): AgentLogBatch {
  return { action: 'log.batch', containerId, epoch, ...compressLines(lines) };
}

/** The lines of one whole packed batch; throws (failing the test) when they are not valid packed lines. */
export function unpacked(carrier: Pick<PackedCarrier, 'data'>): LogLine[] {
  const result = decompressLines(packedBytes(carrier.data));
  if (!result.ok) throw new Error(result.reason);
  return result.lines;
}

/**
 * The lines of packed batches in arrival order. A batch in parts counts once all its parts have
 * come (in any order), at the place of its last part; incomplete ones are left out.
 */
export function linesOfPacked(carriers: Iterable<PackedCarrier>): LogLine[] {
  const lines: LogLine[] = [];
  const parts = new Map<string, string[]>();
  for (const carrier of carriers) {
    if (!carrier.part) {
      lines.push(...unpacked(carrier));
      continue;
    }
    const key = `${carrier.firstSeq}-${carrier.lastSeq}-${carrier.part.count}`;
    const held = parts.get(key) ?? new Array<string>(carrier.part.count);
    held[carrier.part.index] = carrier.data;
    parts.set(key, held);
    if (held.every((data) => data !== undefined) && held.length === carrier.part.count) {
      parts.delete(key);
      lines.push(...unpacked({ data: Buffer.concat(held.map(packedBytes)).toString('base64') }));
    }
  }
  return lines;
}

/** Every packed batch a viewer message carries for `containerId`: history, live batches, fetched ranges. */
export function packedOf(messages: Iterable<CloudToViewer>, containerId: string): PackedCarrier[] {
  const carriers: PackedCarrier[] = [];
  for (const m of messages) {
    if (m.action === 'log.batch' && m.containerId === containerId) carriers.push(m);
    else if ((m.action === 'log.history' || m.action === 'log.fetched') && m.containerId === containerId) carriers.push(...m.batches);
  }
  return carriers;
}
