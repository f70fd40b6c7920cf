/**
 * Where each message from the cloud goes: inventory messages into the inventory store (and the
 * container state changes among that container's lines), log messages — their packed batches
 * read first (log-batch-reader.ts) — into the logs store, errors into the errors store and, for a
 * refused subscribe, to the re-subscribe (subscribe-retry.ts). One place that knows the messages,
 * so the session itself is only wiring.
 */
import type { CloudToViewer, ContainerRef } from '../../../protocol';
import { containerTransitions } from '../state/container-transitions';
import type { ErrorsStore } from '../state/errors-store';
import type { InventoryStore } from '../state/inventory-store';
import type { LogsStore } from '../state/logs-store';
import type { LogBatchReader } from './log-batch-reader';
import type { SubscribeRetry } from './subscribe-retry';
import type { TailCheck } from './tail-check';

export interface MessageRouterOptions {
  readonly inventory: InventoryStore;
  readonly logs: LogsStore;
  readonly errors: ErrorsStore;
  readonly reader: LogBatchReader;
  readonly subscribeRetry: SubscribeRetry;
  readonly tailCheck: TailCheck;
  /** Whether the app is subscribed to the container: lines of one it is not subscribed to (any more) are dropped. */
  readonly isSubscribed: (ref: ContainerRef) => boolean;
  /** Whether the container is on screen (its tail is checked only then). */
  readonly isShown: (ref: ContainerRef) => boolean;
  /** The inventory changed: containers a view waits for may be there now. */
  readonly onInventory: () => void;
}

export interface MessageRouter {
  /** Applies one message; its batches are read first, so it resolves once it took effect. */
  apply(message: CloudToViewer): Promise<void>;
  /** Applies a change with lines; if it brought new ones for a watched container, its tail check starts over. */
  applyLines(ref: ContainerRef, apply: () => void): void;
}

export function createMessageRouter(options: MessageRouterOptions): MessageRouter {
  const { inventory, logs, errors, reader, subscribeRetry, tailCheck } = options;

  const applyLines = (ref: ContainerRef, apply: () => void): void => {
    const before = logs.lastSeq(ref);
    const epoch = logs.epoch(ref);
    apply();
    if ((logs.lastSeq(ref) !== before || logs.epoch(ref) !== epoch) && options.isShown(ref)) tailCheck.received(ref);
  };

  const apply = async (message: CloudToViewer): Promise<void> => {
    switch (message.action) {
      case 'inventory':
        // Chunks of one answer, or of an answer after a reconnect: upsert, never replace.
        inventory.upsert(message.hosts);
        if (message.done) inventory.markLoaded();
        options.onInventory();
        return;
      case 'host':
        inventory.applyStatus(message.host);
        return;
      case 'host.containers':
        for (const change of containerTransitions(inventory, message)) logs.markContainerState(change.ref, change);
        inventory.applyChanges(message);
        options.onInventory();
        return;
      case 'log.history': {
        // Still on its way when the container was released: it would hold lines of a container no one watches.
        if (!options.isSubscribed(message)) return;
        const read = await reader.history(message);
        applyLines(message, () => logs.applyHistory(read));
        if (message.done) subscribeRetry.succeeded(message);
        return;
      }
      case 'log.batch': {
        if (!options.isSubscribed(message)) return;
        // Nothing to apply while the batch's other parts are still to come.
        const read = await reader.batch(message);
        if (read.lines.length > 0 || read.lost.length > 0) applyLines(message, () => logs.applyBatch(read));
        return;
      }
      case 'log.fetched': {
        if (!options.isSubscribed(message)) return;
        // New lines after the last held (a tail check's answer) are news; a gap filled is not.
        const read = await reader.fetched(message);
        applyLines(message, () => logs.applyFetched(read));
        return;
      }
      case 'error':
        errors.report(message);
        // The subscription's history will not come (yet): subscribe again, or stop holding live lines.
        if (message.requestAction === 'log.subscribe') subscribeRetry.refused(message);
        return;
      case 'pong':
        return;
    }
  };

  return { apply, applyLines };
}
