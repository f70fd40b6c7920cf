/**
 * How far behind the agent's delivery is: the age of the oldest line it holds that the cloud has
 * not acked, and how many such lines there are — read from what delivery still holds
 * (BatchDelivery.unacknowledged), so it is exactly what is handed over and not yet acked.
 *
 * A line's age counts from its Docker timestamp, or from when its stream was started if that is
 * later: the history read when a viewer opens a container (it may be hours old) was not late
 * before anyone asked for it, but lines Docker kept while the follow was paused or broken were.
 */
import { parseTimestamp } from '../../protocol';
import type { LineBatch } from '../pipeline/line-batch';

export interface HeldBatches {
  /** Batches of the container not yet acknowledged, oldest first. */
  unacknowledged(containerId: string): readonly LineBatch[];
  /** Whether delivery still holds anything (or feeds anything) for the container. */
  hasOutbox(containerId: string): boolean;
}

export interface Lag {
  readonly lagMs: number;
  readonly pendingLines: number;
}

export class DeliveryLag {
  /** Containers whose stream was started, with when (epoch ms). */
  private readonly startedAt = new Map<string, number>();

  constructor(
    private readonly held: HeldBatches,
    private readonly now: () => number = Date.now,
  ) {}

  /** A follow of the container started (not a revive of one already running). */
  streamStarted(containerId: string): void {
    this.startedAt.set(containerId, this.now());
  }

  measure(): Lag {
    const now = this.now();
    let lagMs = 0;
    let pendingLines = 0;
    for (const [containerId, startedAt] of this.startedAt) {
      if (!this.held.hasOutbox(containerId)) {
        this.startedAt.delete(containerId);
        continue;
      }
      const batches = this.held.unacknowledged(containerId);
      for (const batch of batches) pendingLines += batch.lines.length;
      const oldest = batches[0]?.lines[0];
      if (!oldest) continue;
      const { seconds, nanos } = parseTimestamp(oldest.ts);
      const due = Math.max(seconds * 1000 + Math.floor(nanos / 1e6), startedAt);
      lagMs = Math.max(lagMs, now - due);
    }
    return { lagMs: Math.max(0, Math.round(lagMs)), pendingLines };
  }
}
