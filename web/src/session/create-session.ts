/**
 * One signed-in dashboard session: the connection to the cloud plus the stores it feeds.
 * Messages flow connection → stores; user actions (select a container) flow here → connection.
 * Log messages carry packed batches, read asynchronously (log-batch-reader.ts); every message
 * takes effect in arrival order all the same (arrival-order.ts).
 */
import type { CloudToViewer, ContainerRef } from '../../../protocol';
import { containerKey, MAX_FETCH_LINES } from '../../../protocol';
import type { SocketFactory } from '../api/socket';
import { ViewerConnection } from '../api/viewer-connection';
import { createConnectionStore, type ConnectionStore } from '../state/connection-store';
import { containerTransitions } from '../state/container-transitions';
import { createErrorsStore, type ErrorsStore } from '../state/errors-store';
import { createFilterStore, type FilterStore } from '../state/filter-store';
import { createInventoryStore, type InventoryStore } from '../state/inventory-store';
import { createLogsStore, type LogsStore } from '../state/logs-store';
import { createSelectionStore, type SelectionStore } from '../state/selection-store';
import { createArrivalOrder } from './arrival-order';
import { createLogBatchReader } from './log-batch-reader';
import { createSubscribeRetry } from './subscribe-retry';
import { createTailCheck, tailRequest } from './tail-check';

export interface Session {
  readonly connection: ConnectionStore;
  readonly inventory: InventoryStore;
  readonly logs: LogsStore;
  readonly selection: SelectionStore;
  readonly filter: FilterStore;
  readonly errors: ErrorsStore;
  /** Shows a container's logs: unsubscribes the previous one, subscribes this one. */
  select(ref: ContainerRef): void;
  reconnectNow(): void;
  close(): void;
  /** Resolves once every message received so far has taken effect (their batches read). */
  settled(): Promise<void>;
}

export interface SessionOptions {
  readonly url: string;
  readonly openSocket: SocketFactory;
  /** Remembers the selected container across reloads (localStorage; typed here so node can run a session too). */
  readonly storage?: { getItem(key: string): string | null; setItem(key: string, value: string): void };
  /** The tail check's delays (tail-check.ts); shorter in tests. */
  readonly tailCheck?: { readonly firstMs?: number; readonly maxMs?: number };
}

const SELECTED_KEY = 'sidetail.selectedContainer';

/** How often gaps still waiting for their log.fetch answer are asked for again. */
export const REFETCH_GAPS_MS = 10_000;

export function createSession(options: SessionOptions): Session {
  const connectionStore = createConnectionStore();
  const inventory = createInventoryStore();
  // A gap longer than one fetch is asked for its newest part: the buffer keeps the newest lines.
  const logs = createLogsStore({
    onGap: (ref, epoch, gap) =>
      connection.fetch({ ...ref, epoch, afterSeq: Math.max(gap.fromSeq - 1, gap.toSeq - MAX_FETCH_LINES), toSeq: gap.toSeq }),
    onFetchOlder: (ref, epoch, range) => connection.fetch({ ...ref, epoch, ...range }),
  });
  const reader = createLogBatchReader({ logger: console });
  const inOrder = createArrivalOrder((error) => console.error('sidetail: a message could not be applied', error));
  const selection = createSelectionStore();
  const filter = createFilterStore();
  const errors = createErrorsStore();
  const subscribeRetry = createSubscribeRetry({
    resubscribe: (ref) => connection.resubscribe(ref),
    endHistory: (ref) => logs.endHistory(ref),
    endAllHistory: () => logs.endAllHistory(),
  });
  const tailCheck = createTailCheck({
    ...options.tailCheck,
    check: (ref) => {
      const request = tailRequest({ epoch: logs.epoch(ref), lastSeq: logs.lastSeq(ref), loadingHistory: logs.view(ref).loadingHistory });
      if (request.kind === 'subscribe') connection.resubscribe(ref);
      else connection.fetch({ ...ref, epoch: request.epoch, afterSeq: request.afterSeq, toSeq: request.toSeq });
    },
  });
  /** Applies a message with lines; if it brought new ones for a watched container, its tail check starts over. */
  const applyLines = (ref: ContainerRef, apply: () => void): void => {
    const before = logs.lastSeq(ref);
    const epoch = logs.epoch(ref);
    apply();
    if ((logs.lastSeq(ref) !== before || logs.epoch(ref) !== epoch) && connection.isSubscribed(ref)) tailCheck.received(ref);
  };

  const apply = async (message: CloudToViewer): Promise<void> => {
    switch (message.action) {
      case 'inventory':
        // Chunks of one answer, or of an answer after a reconnect: upsert, never replace.
        inventory.upsert(message.hosts);
        if (message.done) inventory.markLoaded();
        restoreSelection();
        return;
      case 'host':
        inventory.applyStatus(message.host);
        return;
      case 'host.containers':
        for (const change of containerTransitions(inventory, message)) logs.markContainerState(change.ref, change);
        inventory.applyChanges(message);
        restoreSelection();
        return;
      case 'log.history': {
        const read = await reader.history(message);
        applyLines(message, () => logs.applyHistory(read));
        if (message.done) subscribeRetry.succeeded(message);
        return;
      }
      case 'log.batch': {
        // Nothing to apply while the batch's other parts are still to come.
        const read = await reader.batch(message);
        if (read.lines.length > 0 || read.lost.length > 0) applyLines(message, () => logs.applyBatch(read));
        return;
      }
      case 'log.fetched': {
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

  const connection = new ViewerConnection({
    url: options.url,
    openSocket: options.openSocket,
    afterSeq: (ref) => logs.lastSeq(ref),
    epoch: (ref) => logs.epoch(ref),
    onSubscribing: (ref) => {
      // After the messages before it: a live batch still being read belongs to the old subscription.
      inOrder.run(() => logs.beginHistory(ref));
      // From the subscribe on: a history that never comes (its error lost too) is asked again.
      tailCheck.watch(ref);
    },
    onMessage: (message) => inOrder.run(() => apply(message)),
    onState: (state) => {
      const before = connectionStore.state();
      connectionStore.update(state);
      if (state.status === 'open' && before.status !== 'open' && before.everOpened) logs.markReconnected(Date.now());
    },
    logger: console,
  });

  const select = (ref: ContainerRef): void => {
    const previous = selection.select(ref);
    if (previous && containerKey(previous) === containerKey(ref)) return;
    if (previous) {
      connection.unsubscribe(previous);
      tailCheck.forget(previous);
      subscribeRetry.forget(previous);
    }
    connection.subscribe(ref);
    options.storage?.setItem(SELECTED_KEY, containerKey(ref));
  };

  const restoreSelection = (): void => {
    if (selection.selected()) return;
    const remembered = options.storage?.getItem(SELECTED_KEY);
    if (!remembered) return;
    for (const host of inventory.hosts()) {
      const container = host.containers.find((c) => containerKey({ agentId: host.agentId, containerId: c.id }) === remembered);
      if (container) return select({ agentId: host.agentId, containerId: container.id });
    }
  };

  connection.start();
  // The answer to a log.fetch is a post too, and can fail like the broadcast it makes up for.
  // So can a part of a batch: one that stopped coming is given up, its seqs fetched as a gap.
  const refetch = setInterval(
    () =>
      inOrder.run(() => {
        for (const lost of reader.expire()) if (connection.isSubscribed(lost)) applyLines(lost, () => logs.applyBatch(lost));
        logs.refetchGaps();
      }),
    REFETCH_GAPS_MS,
  );

  return {
    connection: connectionStore,
    inventory,
    logs,
    selection,
    filter,
    errors,
    select,
    reconnectNow: () => connection.reconnectNow(),
    close: () => {
      clearInterval(refetch);
      tailCheck.close();
      subscribeRetry.close();
      connection.close();
    },
    settled: () => inOrder.settled(),
  };
}
