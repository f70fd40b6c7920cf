/**
 * Why a container's log view may not be moving, said plainly above the lines. Pure.
 * Without it an offline host or a dropped dashboard connection looks like a quiet container.
 */
import type { ConnectionStatus } from '../api/viewer-connection';

export interface StreamNoticeInput {
  readonly connection: ConnectionStatus;
  /** The container's host, when the inventory knows it. */
  readonly host?: { readonly hostName: string; readonly online: boolean };
}

export function streamNotice(input: StreamNoticeInput): string | undefined {
  if (input.connection === 'reconnecting') {
    return 'Reconnecting to Sidetail — new lines will follow from where this view stopped.';
  }
  if (input.host && !input.host.online) {
    return `Host ${input.host.hostName} is offline — showing the lines received so far; they continue when its agent reconnects.`;
  }
  return undefined;
}
