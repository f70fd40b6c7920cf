/**
 * `log.fetch`: a viewer closes a gap. A live broadcast that could not reach it (throttled past
 * the retries' budget) leaves it a seq gap; the lines are in the buffer, so it asks for that range
 * of that epoch and gets whatever the buffer still holds of it, as `log.fetched` messages (each
 * under the message limit, the last `done: true`). What none of them carries is gone for good.
 */
import { MAX_FETCH_LINES, MAX_MESSAGE_BYTES, type LogFetch, type LogFetched, type LogLine } from '../../protocol';
import type { Caller, Deps } from './ports';
import { readHistory } from './read-history';
import { reply } from './reply';
import { splitBySize } from './split-by-size';

export async function fetchLines(deps: Deps, caller: Caller, request: LogFetch, maxBytes = MAX_MESSAGE_BYTES): Promise<void> {
  const container = { agentId: request.agentId, containerId: request.containerId };
  const { afterSeq, toSeq, epoch } = request;
  const { lines } = await readHistory(deps.buffer, container, { maxLines: MAX_FETCH_LINES, afterSeq, toSeq, epoch });
  const message = (chunk: LogLine[], done: boolean): LogFetched => ({ action: 'log.fetched', ...container, epoch, afterSeq, toSeq, lines: chunk, done });
  for (const part of splitBySize(lines, maxBytes, message)) {
    if ((await reply(deps, caller, part)) === 'gone') return;
  }
}
