/**
 * Encoded messages waiting for the connection to come back, oldest first, bounded in bytes.
 * When full, the oldest are dropped (and counted) so memory stays bounded whatever the outage.
 * This is the seam for the acked spool of a later issue.
 */
export class PendingQueue {
  private readonly items: Buffer[] = [];
  private totalBytes = 0;
  private droppedSinceReport = 0;

  constructor(private readonly maxBytes: number) {}

  push(item: Buffer): void {
    this.items.push(item);
    this.totalBytes += item.length;
    while (this.totalBytes > this.maxBytes && this.items.length > 1) {
      this.totalBytes -= this.items.shift()!.length;
      this.droppedSinceReport += 1;
    }
  }

  shift(): Buffer | undefined {
    const item = this.items.shift();
    if (item) this.totalBytes -= item.length;
    return item;
  }

  /** How many messages were dropped since the last call (and resets the count). */
  takeDroppedCount(): number {
    const dropped = this.droppedSinceReport;
    this.droppedSinceReport = 0;
    return dropped;
  }

  get bytes(): number {
    return this.totalBytes;
  }

  get length(): number {
    return this.items.length;
  }
}
