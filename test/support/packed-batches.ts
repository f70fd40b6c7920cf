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
 * Reads packed batches as they arrive: a whole batch gives its lines at once, a batch in parts gives
 * them when its last missing part comes (in any order); until then it gives nothing.
 */
export class PackedReader {
  private readonly parts = new Map<string, string[]>();

  read(carrier: PackedCarrier): LogLine[] {
    if (!carrier.part) return unpacked(carrier);
    const key = `${carrier.firstSeq}-${carrier.lastSeq}-${carrier.part.count}`;
    const held = this.parts.get(key) ?? new Array<string>(carrier.part.count);
    held[carrier.part.index] = carrier.data;
    this.parts.set(key, held);
    if (held.filter((data) => data !== undefined).length < carrier.part.count) return [];
    this.parts.delete(key);
    return unpacked({ data: Buffer.concat(held.map(packedBytes)).toString('base64') });
  }
}

/** The lines of packed batches in arrival order; a batch in parts counts at the place of its last part. */
export function linesOfPacked(carriers: Iterable<PackedCarrier>): LogLine[] {
  const reader = new PackedReader();
  return [...carriers].flatMap((carrier) => reader.read(carrier));
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
