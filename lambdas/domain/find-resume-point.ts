/**
 * Where a (re)started stream continues: the newest buffered line, plus the texts of all buffered
 * lines stamped exactly its timestamp — Docker's `since` is inclusive, so the agent will see
 * those again and must drop them by text, never by count.
 */
import { compareTimestamps, type ContainerRef, type LogLine, type ResumePoint } from '../../protocol';
import type { LogBuffer } from './ports';

export async function findResumePoint(buffer: LogBuffer, container: ContainerRef): Promise<ResumePoint | undefined> {
  let newest: LogLine | undefined;
  const textsNewestFirst: string[] = [];
  for await (const batch of buffer.newestFirst(container)) {
    for (let i = batch.length - 1; i >= 0; i--) {
      const line = batch[i] as LogLine;
      newest ??= line;
      if (compareTimestamps(line.ts, newest.ts) !== 0) return resumePoint(newest, textsNewestFirst);
      textsNewestFirst.push(line.text);
    }
  }
  return newest && resumePoint(newest, textsNewestFirst);
}

function resumePoint(newest: LogLine, textsNewestFirst: string[]): ResumePoint {
  return { seq: newest.seq, ts: newest.ts, textsAtTs: textsNewestFirst.reverse() };
}
