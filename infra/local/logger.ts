/**
 * What the local runtime logs through. `console` satisfies it; tests pass `silentLogger` so that
 * expected failures (a handler that throws on purpose) do not drown the test output.
 */
export interface LocalLogger {
  info(message: string, ...details: unknown[]): void;
  warn(message: string, ...details: unknown[]): void;
  error(message: string, ...details: unknown[]): void;
}

export const silentLogger: LocalLogger = {
  info: () => {},
  warn: () => {},
  error: () => {},
};

/** Problems only: a local stack should not print a line per WebSocket message. */
export const quietConsoleLogger: LocalLogger = {
  info: () => {},
  warn: (message, ...details) => console.warn(message, ...details),
  error: (message, ...details) => console.error(message, ...details),
};
