/** Numbers one container's lines: 1, 2, 3 … or, when resuming, from the cloud's last seq + 1. */
export class Sequencer {
  constructor(private lastSeq = 0) {}

  next(): number {
    this.lastSeq += 1;
    return this.lastSeq;
  }

  /** The last number handed out (0 before the first). */
  get last(): number {
    return this.lastSeq;
  }
}
