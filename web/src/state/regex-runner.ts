/**
 * Runs regex passes in a worker with a watchdog: a pass that takes longer than the budget is
 * stopped by terminating the worker (the only way to interrupt RegExp.exec), and a new worker is
 * started for the next pass. One pass at a time: starting one cancels the pass in flight (its
 * filter was replaced). The worker is started only when a first pass is asked for.
 */
import type { RegexPassReply, RegexPassRequest } from './regex-pass';

/** How long one pass may take before the pattern is given up on. */
export const REGEX_BUDGET_MS = 1_500;

/** What the runner needs of a Worker (a fake in specs). */
export interface RegexWorker {
  onmessage: ((event: { data: RegexPassReply }) => void) | null;
  onerror: ((event: { message?: string }) => void) | null;
  postMessage(request: RegexPassRequest): void;
  terminate(): void;
}

export type RegexPassOutcome =
  | { readonly kind: 'done'; readonly reply: RegexPassReply }
  /** The pass took longer than the budget and was stopped. */
  | { readonly kind: 'timeout'; readonly budgetMs: number }
  /** The worker failed (could not start, or threw). */
  | { readonly kind: 'failed'; readonly message: string }
  /** Another pass was started, or cancel() called. */
  | { readonly kind: 'cancelled' };

export interface RegexRunner {
  run(request: Omit<RegexPassRequest, 'id'>): Promise<RegexPassOutcome>;
  /** Stops the pass in flight, if any. */
  cancel(): void;
}

export function createRegexRunner(spawn: () => RegexWorker, budgetMs = REGEX_BUDGET_MS): RegexRunner {
  let worker: RegexWorker | undefined;
  let nextId = 1;
  let inFlight: { id: number; settle: (outcome: RegexPassOutcome) => void; timer: ReturnType<typeof setTimeout> } | undefined;

  const stopWorker = () => {
    worker?.terminate();
    worker = undefined;
  };
  const finish = (outcome: RegexPassOutcome) => {
    const pass = inFlight;
    if (!pass) return;
    inFlight = undefined;
    clearTimeout(pass.timer);
    pass.settle(outcome);
  };
  const cancel = () => {
    if (!inFlight) return;
    // The worker may be deep in a pattern: the only way to stop it is to end it.
    stopWorker();
    finish({ kind: 'cancelled' });
  };

  return {
    cancel,
    run(request) {
      cancel();
      return new Promise<RegexPassOutcome>((settle) => {
        const id = nextId++;
        try {
          worker ??= spawn();
        } catch (error) {
          settle({ kind: 'failed', message: error instanceof Error ? error.message : String(error) });
          return;
        }
        const current = worker;
        current.onmessage = (event) => {
          if (event.data.id === inFlight?.id) finish({ kind: 'done', reply: event.data });
        };
        current.onerror = (event) => {
          stopWorker();
          finish({ kind: 'failed', message: event.message || 'the filter worker failed' });
        };
        const timer = setTimeout(() => {
          stopWorker();
          finish({ kind: 'timeout', budgetMs });
        }, budgetMs);
        inFlight = { id, settle, timer };
        current.postMessage({ id, ...request });
      });
    },
  };
}

/**
 * The browser's Worker, as the runner uses it; declared here since node's types (the specs') have
 * none. The `new Worker(new URL(…, import.meta.url))` below must stay written so: it is how Vite
 * finds regex-worker.ts and bundles it as a file of this origin.
 */
declare const Worker: (new (url: URL, options: { type: 'module'; name: string }) => RegexWorker) | undefined;

/** A runner over the browser's Web Worker, or undefined where there is none. */
export function browserRegexRunner(budgetMs = REGEX_BUDGET_MS): RegexRunner | undefined {
  if (typeof Worker !== 'function') return undefined;
  return createRegexRunner(() => new Worker(new URL('./regex-worker.ts', import.meta.url), { type: 'module', name: 'sidetail-regex' }), budgetMs);
}
