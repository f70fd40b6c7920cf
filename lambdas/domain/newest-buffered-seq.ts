/** The seq of a container's newest buffered line; 0 when nothing (unexpired) is buffered. */
import type { ContainerRef, LogLine } from '../../protocol';
import type { LogBuffer } from './ports';

export async function newestBufferedSeq(buffer: LogBuffer, container: ContainerRef): Promise<number> {
  for await (const batch of buffer.newestFirst(container)) {
    if (batch.length > 0) return (batch[batch.length - 1] as LogLine).seq;
  }
  return 0;
}
