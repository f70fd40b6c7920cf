/** The newest buffered line's seq and epoch; undefined when nothing (unexpired) is buffered. */
import type { ContainerRef, LogLine } from '../../protocol';
import type { LogBuffer } from './ports';

export interface BufferedPosition {
  readonly epoch: number;
  readonly seq: number;
}

export async function newestBufferedSeq(buffer: LogBuffer, container: ContainerRef): Promise<BufferedPosition | undefined> {
  for await (const { epoch, lines } of buffer.newestFirst(container)) {
    if (lines.length > 0) return { epoch, seq: (lines[lines.length - 1] as LogLine).seq };
  }
  return undefined;
}
