/**
 * Where a (re)started stream continues. Its seq is the buffer's newest (the newest stored batch's
 * last line). Its ts is the HIGHEST ts among that batch's lines, not the last line's: a line the
 * agent joined from Docker's 16 KB pieces keeps its first piece's (earlier) ts, so it can be
 * stored after the other stream's later lines; resuming from its ts would bring those back as new
 * lines. Docker's `since` is inclusive, so the agent sees the lines stamped exactly ts again and
 * drops them by text (`textsAtTs`), never by count.
 *
 * textsAtTs is capped at MAX_RESUME_TEXTS_BYTES so that `log.stream.start` stays far under the
 * message limit. When more text than that shares one timestamp, the newest texts are kept: the
 * older ones, sent again by Docker, then reach viewers a second time with new seqs. A duplicate
 * is the price; no line is ever lost.
 */
import { byteLength, compareTimestamps, type ContainerRef, type LogLine, type ResumePoint } from '../../protocol';
import type { LogBuffer } from './ports';

/** Serialized bytes of textsAtTs at most: half of the 128 KB message limit. */
export const MAX_RESUME_TEXTS_BYTES = 64 * 1024;

export async function findResumePoint(
  buffer: LogBuffer,
  container: ContainerRef,
  maxTextsBytes = MAX_RESUME_TEXTS_BYTES,
): Promise<ResumePoint | undefined> {
  let seq: number | undefined;
  let ts: string | undefined;
  const atTsNewestFirst: LogLine[] = [];
  for await (const batch of buffer.newestFirst(container)) {
    if (batch.length === 0) continue;
    if (seq === undefined || ts === undefined) {
      seq = (batch[batch.length - 1] as LogLine).seq;
      ts = batch.reduce((max, line) => (compareTimestamps(line.ts, max) > 0 ? line.ts : max), (batch[0] as LogLine).ts);
    } else if (batch.every((line) => compareTimestamps(line.ts, ts as string) < 0)) {
      // Wholly older than ts: so is every batch before it.
      break;
    }
    for (let i = batch.length - 1; i >= 0; i--) {
      const line = batch[i] as LogLine;
      if (compareTimestamps(line.ts, ts) === 0) atTsNewestFirst.push(line);
    }
  }
  if (seq === undefined || ts === undefined) return undefined;
  return { seq, ts, textsAtTs: newestThatFit(atTsNewestFirst, maxTextsBytes) };
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
