/**
 * Splits a history into `log.history` messages that each stay under MAX_MESSAGE_BYTES, oldest
 * first, the last one `done: true`. An empty history is still one message, so the viewer always
 * learns that the history is complete.
 */
import { MAX_MESSAGE_BYTES, type ContainerRef, type LogHistory, type LogLine } from '../../protocol';
import { splitBySize } from './split-by-size';

export function historyMessages(container: ContainerRef, lines: readonly LogLine[], maxBytes = MAX_MESSAGE_BYTES): LogHistory[] {
  const message = (chunk: LogLine[], done: boolean): LogHistory => ({
    action: 'log.history',
    agentId: container.agentId,
    containerId: container.containerId,
    lines: chunk,
    done,
  });
  return splitBySize(lines, maxBytes, message);
}
