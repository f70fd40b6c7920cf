/**
 * Where a (re)started stream continues: in the newest stored epoch, after its newest line. The
 * seq is the buffer's newest (the newest stored batch's last line). Its ts is the HIGHEST ts among
 * that batch's lines, not the last line's: a line the agent joined from Docker's 16 KB pieces
 * keeps its first piece's (earlier) ts, so it can be stored after the other stream's later lines;
 * resuming from its ts would bring those back as new lines. Docker's `since` is inclusive, so the
 * agent sees the lines stamped exactly ts again and drops them by text (`textsAtTs`), never by count.
 *
 * textsAtTs is capped at MAX_RESUME_TEXTS_BYTES so that `log.stream.start` stays far under the
 * message limit. When more text than that shares one timestamp, the newest texts are kept: the
 * older ones, sent again by Docker, then reach viewers a second time with new seqs. A duplicate
 * is the price; no line is ever lost.
 *
 * A skip marker (a line with `skipped`, written by the agent) counts like a line for the seq and
 * the ts — its ts is the end of the span it stands for, so a resume continues after that span
 * instead of replaying it — but its text is never among textsAtTs: Docker never sends it, and a
 * real line with the same text at that ts must not be dropped for it. Skipped lines stamped
 * exactly that ts are not in the buffer either, so Docker's inclusive `since` brings them once
 * (after the marker that counted them): shown, never lost.
 *
 * Bounded: one read of the newest RESUME_BATCHES stored batches, inflated (each within the
 * protocol's bound) newest first, and only as far back as lines can share the newest ts. Lines at
 * that ts in a batch further back are not listed and come back once more (a duplicate, never a loss).
 */
import { byteLength, compareTimestamps, type ContainerRef, type LogLine, type ResumePoint } from '../../protocol';
import { decompressLines } from '../../protocol/packed-zlib';
import type { LogBuffer, StoredBatch } from './ports';

/** Stored batches read for a resume point: the newest, and the one before it for lines sharing its ts across the boundary. */
export const RESUME_BATCHES = 2;

/** Serialized bytes of textsAtTs at most: half of the 128 KB message limit. */
export const MAX_RESUME_TEXTS_BYTES = 64 * 1024;

/** A resume point and the epoch whose numbering it continues. */
export interface ResumeFrom {
  readonly epoch: number;
  readonly resume: ResumePoint;
}

export async function findResumePoint(
  buffer: LogBuffer,
  container: ContainerRef,
  maxTextsBytes = MAX_RESUME_TEXTS_BYTES,
): Promise<ResumeFrom | undefined> {
  let epoch: number | undefined;
  let seq: number | undefined;
  let ts: string | undefined;
  const atTsNewestFirst: LogLine[] = [];
  for (const stored of await buffer.newest(container, { lines: Number.POSITIVE_INFINITY, batches: RESUME_BATCHES })) {
    const batchEpoch = stored.epoch;
    const batch = linesOf(stored);
    if (batch.length === 0) continue;
    if (epoch === undefined || seq === undefined || ts === undefined) {
      epoch = batchEpoch;
      seq = (batch[batch.length - 1] as LogLine).seq;
      ts = batch.reduce((max, line) => (compareTimestamps(line.ts, max) > 0 ? line.ts : max), (batch[0] as LogLine).ts);
    } else if (batchEpoch !== epoch || batch.every((line) => compareTimestamps(line.ts, ts as string) < 0)) {
      // An older numbering, or wholly older than ts: so is every batch before it.
      break;
    }
    for (let i = batch.length - 1; i >= 0; i--) {
      const line = batch[i] as LogLine;
      if (!line.skipped && compareTimestamps(line.ts, ts) === 0) atTsNewestFirst.push(line);
    }
  }
  if (epoch === undefined || seq === undefined || ts === undefined) return undefined;
  return { epoch, resume: { seq, ts, textsAtTs: newestThatFit(atTsNewestFirst, maxTextsBytes) } };
}

/** A stored batch's lines: it was checked when it was stored, so a failure here is a fault. */
function linesOf(stored: StoredBatch): LogLine[] {
  const unpacked = decompressLines(stored.data);
  if (!unpacked.ok) throw new Error(`stored batch ${stored.firstSeq}–${stored.lastSeq} (epoch ${stored.epoch}) cannot be read: ${unpacked.reason}`);
  return unpacked.lines;
}

/** The texts, oldest first, of the newest lines whose JSON strings fit `maxBytes` together. */
function newestThatFit(newestFirst: readonly LogLine[], maxBytes: number): string[] {
  const kept: string[] = [];
  let bytes = 2; // the array's brackets
  for (const line of newestFirst) {
    const lineBytes = byteLength(JSON.stringify(line.text)) + 1;
    if (bytes + lineBytes > maxBytes) break;
    kept.push(line.text);
    bytes += lineBytes;
  }
  return kept.reverse();
}
