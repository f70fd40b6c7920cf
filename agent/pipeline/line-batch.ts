/**
 * A batch as the agent keeps it: one container's consecutive lines, as objects. Delivery, refusal
 * renumbering, the skip-marker tally and the lag all work on these; only the edge packs them into
 * `log.batch` messages (agent/transport/wire-batch.ts), once per batch.
 */
import type { LogLine } from '../../protocol';
import type { WireBatch } from '../transport/wire-batch';

export interface LineBatch {
  readonly containerId: string;
  /** The stream's epoch (from its log.stream.start). */
  readonly epoch: number;
  /** Consecutive seqs, in order; at least one. */
  readonly lines: readonly LogLine[];
  /** Its messages, when the batcher already packed them (to size the batch): delivery sends these. */
  readonly wire?: WireBatch;
}

export function firstSeqOf(batch: LineBatch): number {
  return batch.lines[0]!.seq;
}

export function lastSeqOf(batch: LineBatch): number {
  return batch.lines[batch.lines.length - 1]!.seq;
}
