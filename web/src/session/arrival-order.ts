/**
 * Messages take effect in the order they arrived, though reading a packed batch is asynchronous
 * (DecompressionStream): a history before the live batches behind it, a reset before the lines
 * after it. One chain per session: each task starts when the one before has finished. A task
 * that fails is reported and the chain goes on.
 */
export interface ArrivalOrder {
  /** Runs `task` after every task given before it. */
  run(task: () => void | Promise<void>): void;
  /** Resolves once every task given so far has finished. */
  settled(): Promise<void>;
}

export function createArrivalOrder(onError: (error: unknown) => void): ArrivalOrder {
  let tail: Promise<void> = Promise.resolve();
  return {
    run(task) {
      tail = tail.then(task).catch(onError);
    },
    settled: () => tail,
  };
}
