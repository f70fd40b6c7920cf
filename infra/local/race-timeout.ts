/**
 * The outcome of `work`, or `fallback` if it takes longer than `ms`. Unlike racing a separate
 * timeout promise, nothing is left pending either way.
 */
export function raceTimeout<T, F>(work: Promise<T>, ms: number, fallback: F): Promise<T | F> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => resolve(fallback), ms);
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
