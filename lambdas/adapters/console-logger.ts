/** The Logger port as one JSON line per entry on the console, which CloudWatch Logs collects. */
import type { Logger } from '../domain/ports';

export const consoleLogger: Logger = {
  warn: (message, context) => console.warn(JSON.stringify({ level: 'warn', message, ...context })),
  error: (message, context) => console.error(JSON.stringify({ level: 'error', message, ...context })),
};
