/**
 * The tail check. A viewer notices lines it missed when a later batch arrives with a higher seq;
 * when the lost batch was the LAST before a stream went quiet, no later batch comes and it would
 * never know. So from a container's subscribe on, and again after each receipt of new lines for
 * it, the dashboard schedules a check — first after TAIL_CHECK_FIRST_MS of quiet, then twice as
 * long each time, up to TAIL_CHECK_MAX_MS apart — that asks the cloud's buffer for whatever
 * follows the last seq it holds. New lines start the quiet over; nothing else does (a check's own
 * empty answer, or the subscribe it sent, must not keep it at the first delay for ever). Cost: 15 checks in a container's first quiet hour, then 12 an hour
 * (docs/protocol.md, log.fetch).
 */
import { containerKey, MAX_FETCH_LINES, type ContainerRef } from '../../../protocol';

export const TAIL_CHECK_FIRST_MS = 10_000;
export const TAIL_CHECK_MAX_MS = 5 * 60_000;

export interface TailCheckOptions {
  /** Runs when a watched container has been quiet for the current delay (see tailRequest). */
  readonly check: (ref: ContainerRef) => void;
  readonly firstMs?: number;
  readonly maxMs?: number;
}

export interface TailCheck {
  /** A subscribe went out: check the container from now on, unless its checks already run. */
  watch(ref: ContainerRef): void;
  /** New lines arrived for a watched container: its quiet starts over. */
  received(ref: ContainerRef): void;
  /** The container is no longer watched: no more checks for it. */
  forget(ref: ContainerRef): void;
  close(): void;
}

interface Schedule {
  readonly ref: ContainerRef;
  delay: number;
  timer: ReturnType<typeof setTimeout>;
}

export function createTailCheck(options: TailCheckOptions): TailCheck {
  const firstMs = options.firstMs ?? TAIL_CHECK_FIRST_MS;
  const maxMs = options.maxMs ?? TAIL_CHECK_MAX_MS;
  const schedules = new Map<string, Schedule>();

  const arm = (key: string, schedule: Schedule): void => {
    schedule.timer = setTimeout(() => {
      options.check(schedule.ref);
      // Still quiet (a receipt would have replaced this timer): wait twice as long, within bounds.
      schedule.delay = Math.min(maxMs, schedule.delay * 2);
      if (schedules.get(key) === schedule) arm(key, schedule);
    }, schedule.delay);
  };

  const start = (ref: ContainerRef): void => {
    const key = containerKey(ref);
    clearTimeout(schedules.get(key)?.timer);
    const schedule: Schedule = { ref: { agentId: ref.agentId, containerId: ref.containerId }, delay: firstMs, timer: undefined as never };
    schedules.set(key, schedule);
    arm(key, schedule);
  };

  return {
    watch(ref) {
      if (!schedules.has(containerKey(ref))) start(ref);
    },
    received: start,
    forget(ref) {
      const key = containerKey(ref);
      const schedule = schedules.get(key);
      if (!schedule) return;
      clearTimeout(schedule.timer);
      schedules.delete(key);
    },
    close() {
      for (const schedule of schedules.values()) clearTimeout(schedule.timer);
      schedules.clear();
    },
  };
}

export type TailRequest =
  | { readonly kind: 'fetch'; readonly epoch: number; readonly afterSeq: number; readonly toSeq: number }
  | { readonly kind: 'subscribe' };

/**
 * What one check asks for a container in this state: the lines after the last seq held, of the
 * epoch held (log.fetch). Without an epoch there is nothing to fetch by (a lost first batch of a
 * new stream named it), and a history that never came (its error lost too) leaves the container
 * waiting: both are asked by subscribing again, from the last seq held.
 */
export function tailRequest(state: { epoch: number | undefined; lastSeq: number | undefined; loadingHistory: boolean }): TailRequest {
  if (state.epoch === undefined || state.loadingHistory) return { kind: 'subscribe' };
  const afterSeq = state.lastSeq ?? 0;
  return { kind: 'fetch', epoch: state.epoch, afterSeq, toSeq: afterSeq + MAX_FETCH_LINES };
}
