import type { CloudToViewer } from '../../../protocol';

/** The browser's WebSocket as the dashboard uses it (api/browser-socket.ts): every one opened is kept. */
export class FakeWebSocket {
  static opened: FakeWebSocket[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: { code: number; reason: string }) => void) | null = null;
  readonly sent: string[] = [];
  closed = false;
  constructor(readonly url: string) {
    FakeWebSocket.opened.push(this);
  }
  send(data: string): void {
    this.sent.push(data);
  }
  close(): void {
    this.closed = true;
  }
  /** The token the dashboard connected with. */
  get token(): string | null {
    return new URL(this.url).searchParams.get('token');
  }
  receive(message: CloudToViewer): void {
    this.onmessage?.({ data: JSON.stringify(message) });
  }
}
