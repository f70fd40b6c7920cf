/**
 * What a container's status line says. Pure.
 *
 * Docker's `status` ("Up 6 seconds") is relative to when the agent listed the container, so
 * shown as-is it goes stale at once. The label uses only the timeless parts — the `state` word,
 * an exit code, a health word — and keeps Docker's text, with when it was reported, for the title.
 */
import type { ContainerInfo, HostInfo } from '../../../protocol';

export interface ContainerStatusLabel {
  /** Short and true whenever read, e.g. "running · healthy", "exited (137)". */
  readonly text: string;
  /** Docker's own words and when they were reported, for a tooltip. */
  readonly title: string;
}

const EXIT_CODE = /^Exited \((-?\d+)\)/;
const HEALTH = /\((healthy|unhealthy|health: starting)\)/;

/**
 * `reportedAt`: when the agent listed the container with this status (a `host.containers` change's
 * observedAt). An inventory answer does not say it per container, and the host's `updatedAt` is its
 * registration, older than any change since: then the tooltip claims no time.
 */
export function containerStatusLabel(
  container: Pick<ContainerInfo, 'state' | 'status'>,
  host: Pick<HostInfo, 'online'>,
  reportedAt?: number,
): ContainerStatusLabel {
  const state = container.state === '' ? 'unknown' : container.state;
  const exitCode = state === 'exited' ? EXIT_CODE.exec(container.status)?.[1] : undefined;
  const health = state === 'running' ? HEALTH.exec(container.status)?.[1] : undefined;
  let text = state;
  if (exitCode !== undefined) text = `${state} (${exitCode})`;
  if (health !== undefined) text = `${state} · ${health}`;
  // An offline host's containers may have changed since; say it is the last known state.
  if (!host.online) text = `last seen ${text}`;
  const reported = container.status === '' ? state : container.status;
  const at = reportedAt === undefined ? '' : ` at ${new Date(reportedAt).toISOString()}`;
  return { text, title: `Docker reported "${reported}"${at}` };
}
