/**
 * The `log.stream.start` for a container: resume after the buffer's newest line, in its epoch, or
 * tail afresh in a newly minted epoch — the agent then numbers from 1 again, and the new epoch is
 * what keeps those small seqs from passing for duplicates of the old ones at a viewer.
 */
import type { ContainerRef, LogStreamStart } from '../../protocol';
import { findResumePoint } from './find-resume-point';
import type { Deps } from './ports';

export interface StreamStartOptions {
  /**
   * For a viewer who just subscribed: lines written while nobody watched may be skipped, behind a
   * marker (LogStreamStart.catchUp). Not for a restart of a stream viewers kept watching.
   */
  readonly catchUp: boolean;
}

export async function streamStartMessage(
  deps: Pick<Deps, 'buffer' | 'settings' | 'clock'>,
  container: ContainerRef,
  options: StreamStartOptions,
): Promise<LogStreamStart> {
  const found = await findResumePoint(deps.buffer, container);
  const start = {
    action: 'log.stream.start' as const,
    containerId: container.containerId,
    tail: deps.settings.bufferLines,
    ...(options.catchUp ? { catchUp: true as const } : {}),
  };
  return found ? { ...start, resume: found.resume, epoch: found.epoch } : { ...start, epoch: mintEpoch(deps.clock.now()) };
}

/**
 * The mint time in epoch ms: a later epoch is a greater number, so the table's keys order epochs
 * newest first and a viewer can tell a newer numbering from a stale one. A fresh stream starts
 * only with nothing buffered, so the previous epoch's lines are older than this moment.
 */
export function mintEpoch(now: number): number {
  return Math.max(1, Math.floor(now));
}
