/** Where the agent reports what it is doing. One line per call; no structured fields needed yet. */
export interface Logger {
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

/** The default: timestamped lines on stdout/stderr, prefixed so they stand out in `docker logs`. */
export const consoleLogger: Logger = {
  info: (msg) => console.log(`${new Date().toISOString()} sidetail-agent info  ${msg}`),
  warn: (msg) => console.warn(`${new Date().toISOString()} sidetail-agent warn  ${msg}`),
  error: (msg) => console.error(`${new Date().toISOString()} sidetail-agent error ${msg}`),
};
