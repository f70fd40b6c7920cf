/** The `log.stream.start` for a container: resume after the buffer's newest line, or tail afresh. */
import type { ContainerRef, LogStreamStart } from '../../protocol';
import { findResumePoint } from './find-resume-point';
import type { Deps } from './ports';

export async function streamStartMessage(deps: Pick<Deps, 'buffer' | 'settings'>, container: ContainerRef): Promise<LogStreamStart> {
  const resume = await findResumePoint(deps.buffer, container);
  const start: LogStreamStart = { action: 'log.stream.start', containerId: container.containerId, tail: deps.settings.bufferLines };
  return resume ? { ...start, resume } : start;
}
