import type { BatchSink } from '../../../agent/docker/log-follower';
import type { LineBatch } from '../../../agent/pipeline/line-batch';
import type { LogLine } from '../../../protocol';

/** A BatchSink that keeps what it gets and can play a congested connection. */
export class RecordingSink implements BatchSink {
  readonly batches: LineBatch[] = [];
  congested = false;
  /** Set to see what the follower's pipeline holds. */
  holding: ((bytes: number) => void) | undefined;
  /** Set to play a batch waiting for its ack (false: the batcher gathers lines); absent: always idle. */
  idle: (() => boolean) | undefined;
  onceIdle: ((listener: () => void) => () => void) | undefined;
  private readonly listeners = new Set<() => void>();

  send(batch: LineBatch): void {
    this.batches.push(batch);
  }

  isCongested(): boolean {
    return this.congested;
  }

  onceDrained(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  drain(): void {
    this.congested = false;
    const listeners = [...this.listeners];
    this.listeners.clear();
    for (const listener of listeners) listener();
  }

  get lines(): LogLine[] {
    return this.batches.flatMap((batch) => batch.lines);
  }
}
