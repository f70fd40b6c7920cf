/** The WebSocket's state as the UI shows it: status pill, retry countdown, last error. */
import { createSignal, type Accessor } from 'solid-js';
import type { ConnectionState } from '../api/viewer-connection';

export interface ConnectionStore {
  readonly state: Accessor<ConnectionState>;
  update(state: ConnectionState): void;
}

export function createConnectionStore(): ConnectionStore {
  const [state, setState] = createSignal<ConnectionState>({ status: 'connecting', attempt: 0, everOpened: false });
  return { state, update: setState };
}
