/**
 * The host name the agent shows as. Configured, it is that. Otherwise it is the Docker engine's
 * own name (`docker info` → Name, the host's name): inside a container os.hostname() is the
 * container's id, which changes with every recreation. Until the engine has answered, this
 * machine's host name stands in.
 */
import type { Logger } from './logger';

/** AgentRegister.hostName's limit. */
const MAX_HOST_NAME = 256;

export interface HostNameOptions {
  readonly configured: string | undefined;
  /** Asks the engine; absent when the source cannot say. */
  readonly engineName: (() => Promise<string>) | undefined;
  readonly fallback: string;
  readonly logger: Logger;
}

export class HostName {
  private learned: string | undefined;
  private failureReported = false;

  constructor(private readonly options: HostNameOptions) {}

  get current(): string {
    return this.options.configured ?? this.learned ?? (this.options.fallback.slice(0, MAX_HOST_NAME) || 'agent');
  }

  /** Nothing left to learn: configured, learned, or there is no engine to ask. */
  get known(): boolean {
    return this.options.configured !== undefined || this.learned !== undefined || this.options.engineName === undefined;
  }

  /** Asks the engine for its name, unless known; a failure leaves the stand-in, said once. Never rejects. */
  async learn(): Promise<void> {
    if (this.known) return;
    try {
      const name = (await this.options.engineName!()).trim().slice(0, MAX_HOST_NAME);
      if (!name) throw new Error('it answered no name');
      this.learned = name;
      this.options.logger.info(`Host name "${name}": the Docker engine's name (--host-name or SIDETAIL_HOST_NAME sets another).`);
    } catch (err) {
      if (this.failureReported) return;
      this.failureReported = true;
      this.options.logger.warn(
        `Could not ask Docker for its name (${err instanceof Error ? err.message : String(err)}); showing as "${this.current}" ` +
          'until it answers. Set --host-name or SIDETAIL_HOST_NAME to choose the name.',
      );
    }
  }
}
