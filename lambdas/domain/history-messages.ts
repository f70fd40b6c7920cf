/**
 * Splits a history into `log.history` messages that each stay under MAX_MESSAGE_BYTES, oldest
 * first, the last one `done: true`. An empty history is still one message, so the viewer always
 * learns that the history is complete.
 */
import { byteLength, encode, MAX_MESSAGE_BYTES, type ContainerRef, type LogHistory, type LogLine } from '../../protocol';

export function historyMessages(container: ContainerRef, lines: readonly LogLine[], maxBytes = MAX_MESSAGE_BYTES): LogHistory[] {
  const message = (chunk: LogLine[], done: boolean): LogHistory => ({
    action: 'log.history',
    agentId: container.agentId,
    containerId: container.containerId,
    lines: chunk,
    done,
  });
  // `"done":false` is the longer spelling, so this envelope size is an upper bound.
  const envelopeBytes = byteLength(encode(message([], false)));

  const chunks: LogLine[][] = [];
  let chunk: LogLine[] = [];
  let chunkBytes = envelopeBytes;
  for (const line of lines) {
    // +1 for the comma between lines. A line too big for any message still travels alone
    // (ingest rejects batches that could hold one, so this stays theoretical).
    const lineBytes = byteLength(JSON.stringify(line)) + 1;
    if (chunk.length > 0 && chunkBytes + lineBytes >= maxBytes) {
      chunks.push(chunk);
      chunk = [];
      chunkBytes = envelopeBytes;
    }
    chunk.push(line);
    chunkBytes += lineBytes;
  }
  chunks.push(chunk);
  return chunks.map((lines, i) => message(lines, i === chunks.length - 1));
}
