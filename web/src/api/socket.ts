/**
 * The narrow socket interface the connection is written against. The browser implementation
 * (browser-socket.ts) wraps WebSocket; tests pass an in-memory fake.
 */

export interface SocketHandlers {
  onOpen(): void;
  /** A text frame's string; anything else (binary) as received. */
  onMessage(data: unknown): void;
  onClose(code: number, reason: string): void;
}

export interface SocketLink {
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export type SocketFactory = (url: string, handlers: SocketHandlers) => SocketLink;
