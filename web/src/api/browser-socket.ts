/** The real WebSocket behind the SocketLink interface: the one place a WebSocket is created. */
import type { SocketFactory } from './socket';

export const openBrowserSocket: SocketFactory = (url, handlers) => {
  const socket = new WebSocket(url);
  socket.onopen = () => handlers.onOpen();
  socket.onmessage = (event: MessageEvent<unknown>) => handlers.onMessage(event.data);
  // A failed handshake fires error then close; close carries everything we can know.
  socket.onclose = (event: CloseEvent) => handlers.onClose(event.code, event.reason);
  return {
    send: (data) => socket.send(data),
    close: (code, reason) => {
      socket.onopen = socket.onmessage = socket.onclose = null;
      socket.close(code, reason);
    },
  };
};
