/**
 * A viewer for the whole-stack benches: a real WebSocket client with the viewer role that decodes
 * every frame with the protocol, as the dashboard does, and keeps only what a bench needs — how
 * often each numbered line of one container arrived (realistic-logs.ts `lineNumber`), their text
 * bytes, and when the last one came — so that ten viewers of 100 MB of logs fit in memory.
 * Other messages (inventory, errors) are kept for waiting on.
 */
import WebSocket from 'ws';
import { CloudToViewer, decode, encode, type CloudToViewer as Incoming, type LogLine, type ViewerToCloud } from '../protocol';
import { lineNumber } from './realistic-logs';
import { PackedReader, packedOf } from '../test/support/packed-batches';

export class ExactlyOnceError extends Error {
  override readonly name = 'ExactlyOnceError';
}


export class CountingViewer {
  /** How many times each line number arrived (index = number). */
  private counts = new Uint8Array(0);
  private expected = 0;
  private seen = 0;
  private duplicates = 0;
  private bytes = 0;
  private highest = 0;
  private containerId = '';
  /** Texts that arrived without a number (e.g. the container's "ready"). */
  readonly unnumbered: string[] = [];
  readonly others: Incoming[] = [];
  private readonly reader = new PackedReader();
  /** performance.now() of the last numbered line's arrival. */
  lastLineAt = 0;
  private readonly waiters = new Set<() => void>();

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data: Buffer) => {
      const decoded = decode(CloudToViewer, data.toString('utf8'));
      if (!decoded.ok) throw new ExactlyOnceError(`a viewer got a frame outside the protocol: ${decoded.error.message}`);
      const batches = packedOf([decoded.value], this.containerId);
      if (batches.length === 0) this.others.push(decoded.value);
      for (const batch of batches) for (const line of this.reader.read(batch)) this.count(line);
      for (const wake of this.waiters) wake();
    });
  }

  static async connect(wsUrl: string, token: string): Promise<CountingViewer> {
    const socket = new WebSocket(`${wsUrl}?role=viewer&token=${encodeURIComponent(token)}`);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
      socket.once('unexpected-response', (_req, res) => reject(new Error(`handshake refused: HTTP ${res.statusCode}`)));
    });
    return new CountingViewer(socket);
  }

  /** Counts lines of `containerId` numbered 1…`lines` from now on, forgetting earlier counts. */
  watch(containerId: string, lines: number): void {
    this.containerId = containerId;
    this.expected = lines;
    this.counts = new Uint8Array(lines + 1);
    this.seen = 0;
    this.duplicates = 0;
    this.bytes = 0;
    this.highest = 0;
    this.unnumbered.length = 0;
  }

  send(message: ViewerToCloud): void {
    this.socket.send(encode(message));
  }

  /** Text bytes (UTF-8) of the numbered lines received, repeats included. */
  get textBytes(): number {
    return this.bytes;
  }

  /** Distinct numbered lines received. */
  get received(): number {
    return this.seen;
  }

  /** The highest line number received. */
  get highestNumber(): number {
    return this.highest;
  }

  /** Resolves once every line numbered 1…`lines` has arrived; fails after `timeoutMs` naming what is missing. */
  async allArrived(timeoutMs: number): Promise<void> {
    await this.waitUntil(() => this.seen === this.expected, timeoutMs, () => `${this.seen} of ${this.expected} lines arrived; first missing: ${this.missing(5).join(', ')}`);
  }

  /** Throws unless lines 1…`upTo` (default: all watched) each arrived exactly once, and nothing numbered above. */
  assertExactlyOnce(upTo = this.expected): void {
    const missing = this.missing(10, upTo);
    if (missing.length > 0 || this.duplicates > 0 || this.highest > upTo) {
      throw new ExactlyOnceError(
        `lines 1…${upTo} did not arrive exactly once: ${missing.length > 0 ? `missing ${missing.join(', ')}${missing.length === 10 ? ', …' : ''}; ` : ''}${this.duplicates} repeated; highest ${this.highest}`,
      );
    }
  }

  async waitFor(match: (m: Incoming) => boolean, timeoutMs: number, what: string): Promise<Incoming> {
    let found: Incoming | undefined;
    await this.waitUntil(() => (found = this.others.find(match)) !== undefined, timeoutMs, () => `${what}; received: ${this.others.map((m) => m.action).join(', ')}`);
    return found!;
  }

  async waitUntil(condition: () => boolean, timeoutMs: number, explain: () => string): Promise<void> {
    if (condition()) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new ExactlyOnceError(`timed out after ${timeoutMs} ms: ${explain()}`));
      }, timeoutMs);
      const check = () => {
        if (!condition()) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve();
      };
      this.waiters.add(check);
    });
  }

  close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.close();
    });
  }

  private count(line: LogLine): void {
    const text = line.text ?? '';
    const n = lineNumber(text);
    if (n === undefined) {
      if (this.unnumbered.length < 100) this.unnumbered.push(text);
      return;
    }
    this.bytes += Buffer.byteLength(text, 'utf8');
    this.lastLineAt = performance.now();
    this.highest = Math.max(this.highest, n);
    if (n > this.expected) return;
    if (this.counts[n]! > 0) this.duplicates += 1;
    else this.seen += 1;
    this.counts[n] = Math.min(255, this.counts[n]! + 1);
  }

  private missing(limit: number, upTo = this.expected): number[] {
    const missing: number[] = [];
    for (let n = 1; n <= upTo && missing.length < limit; n++) if (this.counts[n] === 0) missing.push(n);
    return missing;
  }
}
