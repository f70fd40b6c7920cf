/**
 * A real dashboard session (create-session.ts) on an in-memory socket: what the cloud sends is
 * handed to its socket handlers, what it sends is recorded. The only fake is the socket.
 */
import { createRoot } from 'solid-js';
import type { CloudToViewer } from '../../../protocol';
import type { SocketFactory, SocketHandlers } from '../../../web/src/api/socket';
import { createSession, type Session } from '../../../web/src/session/create-session';

export interface MemorySocket {
  readonly handlers: SocketHandlers;
  /** The frames sent, parsed. */
  readonly sent: Record<string, unknown>[];
  closed: boolean;
}

export interface MemorySession {
  readonly session: Session;
  /** Every socket the session opened, oldest first. */
  readonly sockets: MemorySocket[];
  latest(): MemorySocket;
  /** A frame from the cloud on the latest socket, taken in full (its batches read and applied). */
  receive(message: CloudToViewer): Promise<void>;
  /** Closes the session and disposes what it computes. */
  close(): void;
}

export function memorySession(): MemorySession {
  const sockets: MemorySocket[] = [];
  const openSocket: SocketFactory = (_url, handlers) => {
    const socket: MemorySocket = { handlers, sent: [], closed: false };
    sockets.push(socket);
    return {
      send: (text) => void socket.sent.push(JSON.parse(text) as Record<string, unknown>),
      close: () => {
        socket.closed = true;
      },
    };
  };
  // Owned by a root, as the dashboard's component owns it, so its computations are disposed with it.
  const { session, dispose } = createRoot((dispose) => ({ session: createSession({ url: 'ws://sidetail.test/live', openSocket }), dispose }));
  const latest = () => {
    const socket = sockets.at(-1);
    if (!socket) throw new Error('the session opened no socket');
    return socket;
  };
  return {
    session,
    sockets,
    latest,
    async receive(message) {
      latest().handlers.onMessage(JSON.stringify(message));
      await session.settled();
    },
    close() {
      session.close();
      dispose();
    },
  };
}
