/**
 * One signed-in dashboard session: the connection to the cloud plus the stores it feeds. Wiring
 * only: messages flow connection → stores (message-router.ts); which containers are subscribed is
 * the watch policy's (watch-policy.ts); the view remembered across reloads (containers and
 * layout), view-memory.ts.
 * Log messages carry packed batches, read asynchronously (log-batch-reader.ts); every message
 * takes effect in arrival order all the same (arrival-order.ts).
 */
import type { ContainerRef } from '../../../protocol';
import { containerKey, MAX_FETCH_LINES } from '../../../protocol';
import type { SocketFactory } from '../api/socket';
import { ViewerConnection } from '../api/viewer-connection';
import { createConnectionStore, type ConnectionStore } from '../state/connection-store';
import { createErrorsStore, type ErrorsStore } from '../state/errors-store';
import { createFilterStore, type FilterStore } from '../state/filter-store';
import { createInventoryStore, type InventoryStore } from '../state/inventory-store';
import { createLogsStore, type LogsStore } from '../state/logs-store';
import { createSelectionStore, type SelectionStore, type ViewLayout } from '../state/selection-store';
import { createArrivalOrder } from './arrival-order';
import { createLogBatchReader } from './log-batch-reader';
import { createMessageRouter } from './message-router';
import { createSubscribeRetry } from './subscribe-retry';
import { createTailCheck, tailRequest } from './tail-check';
import { createViewMemory, type ViewStorage } from './view-memory';
import { createWatchPolicy } from './watch-policy';

export interface Session {
  readonly connection: ConnectionStore;
  readonly inventory: InventoryStore;
  readonly logs: LogsStore;
  readonly selection: SelectionStore;
  readonly filter: FilterStore;
  readonly errors: ErrorsStore;
  /** Shows a container's logs alone: subscribes it; the others leave the view (released a while later: watch-policy.ts). */
  select(ref: ContainerRef): void;
  /** Shows exactly these containers (a link): each subscribed; the others shown before leave the view (released a while later). */
  show(refs: readonly ContainerRef[]): void;
  /** Adds a container to the view (subscribed on its own). */
  addToView(ref: ContainerRef): void;
  /** Takes a container out of the view. */
  removeFromView(ref: ContainerRef): void;
  /** Adds a container to the view, or takes it out when others are shown too (shift/ctrl-click). */
  toggleInView(ref: ContainerRef): void;
  /** Lays several containers out merged or in panes; remembered across reloads. */
  setLayout(layout: ViewLayout): void;
  reconnectNow(): void;
  close(): void;
  /** Resolves once every message received so far has taken effect (their batches read). */
  settled(): Promise<void>;
}

export interface SessionOptions {
  readonly url: string;
  readonly openSocket: SocketFactory;
  /** Remembers the containers shown and their layout across reloads (view-memory.ts). */
  readonly storage?: ViewStorage;
  /** The tail check's delays (tail-check.ts); shorter in tests. */
  readonly tailCheck?: { readonly firstMs?: number; readonly maxMs?: number };
}

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
  /** Containers whose lines are dropped once the messages before the release have taken effect. */
  const releasing = new Set<string>();
  const inOrder = createArrivalOrder((error) => console.error('sidetail: a message could not be applied', error));
  const selection = createSelectionStore();
  const filter = createFilterStore();
  const errors = createErrorsStore();
  const memory = createViewMemory(options.storage);
  // Laid out as last time from the start; a link to several containers lays them out as it says.
  const rememberedLayout = memory.recallLayout();
  if (rememberedLayout) selection.setLayout(rememberedLayout);
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
  const router = createMessageRouter({
    inventory,
    logs,
    errors,
    reader,
    subscribeRetry,
    tailCheck,
    isSubscribed: (ref) => connection.isSubscribed(ref),
    isShown: (ref) => watch.isShown(ref),
    onInventory: () => restoreView(),
  });

  const connection = new ViewerConnection({
    url: options.url,
    openSocket: options.openSocket,
    // A container being released subscribes afresh: its lines are about to go.
    afterSeq: (ref) => (releasing.has(containerKey(ref)) ? undefined : logs.lastSeq(ref)),
    epoch: (ref) => (releasing.has(containerKey(ref)) ? undefined : logs.epoch(ref)),
    onSubscribing: (ref) => {
      // After the messages before it: a live batch still being read belongs to the old subscription.
      inOrder.run(() => logs.beginHistory(ref));
      // From the subscribe on: a history that never comes (its error lost too) is asked again —
      // for a container on screen; one out of view (subscribed again after a reconnect) is not checked.
      if (watch.isShown(ref)) tailCheck.watch(ref);
    },
    onMessage: (message) => inOrder.run(() => router.apply(message)),
    onState: (state) => {
      const before = connectionStore.state();
      connectionStore.update(state);
      if (state.status === 'open' && before.status !== 'open' && before.everOpened) logs.markReconnected(Date.now());
    },
    logger: console,
  });

  const watch = createWatchPolicy({
    selection,
    subscribe: (ref) => connection.subscribe(ref),
    unwatch: (ref) => tailCheck.forget(ref),
    rewatch: (ref) => tailCheck.watch(ref),
    release: (ref) => {
      connection.unsubscribe(ref);
      tailCheck.forget(ref);
      subscribeRetry.forget(ref);
      // After the messages before it, which may still add to its lines.
      const key = containerKey(ref);
      releasing.add(key);
      inOrder.run(() => {
        logs.release(ref);
        releasing.delete(key);
      });
    },
    onShown: (refs) => memory.remember(refs),
  });

  /** Before anything is shown, the containers shown last time, once the inventory has them. */
  const restoreView = (): void => {
    if (selection.selected()) return;
    const remembered = memory.recall(inventory.hosts());
    if (remembered.length > 0) watch.show(remembered);
  };

  connection.start();
  // The answer to a log.fetch is a post too, and can fail like the broadcast it makes up for.
  // So can a part of a batch: one that stopped coming is given up, its seqs fetched as a gap.
  const refetch = setInterval(
    () =>
      inOrder.run(() => {
        // Only for a container on screen: one out of view finds the hole by seq if it comes back.
        for (const lost of reader.expire()) if (watch.isShown(lost)) router.applyLines(lost, () => logs.applyBatch(lost));
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
    select: (ref) => watch.select(ref),
    show: (refs) => watch.show(refs),
    addToView: (ref) => watch.add(ref),
    removeFromView: (ref) => watch.remove(ref),
    toggleInView: (ref) => watch.toggle(ref),
    setLayout: (layout) => {
      selection.setLayout(layout);
      memory.rememberLayout(layout);
    },
    reconnectNow: () => connection.reconnectNow(),
    close: () => {
      watch.close();
      clearInterval(refetch);
      tailCheck.close();
      subscribeRetry.close();
      connection.close();
    },
    settled: () => inOrder.settled(),
  };
}
