/**
 * Which containers the agent shows, from their `sidetail.enable` label. A hidden container is, to
 * the cloud, not there: never listed, never streamed, its name never sent. A container's labels
 * never change after it is created, so neither does its visibility.
 *
 *   default   every container but those labelled sidetail.enable=false
 *   opt-in    only containers labelled sidetail.enable=true
 *
 * A value that is neither true nor false (true/1/yes/on, false/0/no/off, any case) hides the
 * container: its owner labelled it for a reason, and hiding is the side that leaks nothing.
 */
export const ENABLE_LABEL = 'sidetail.enable';

const TRUE = new Set(['true', '1', 'yes', 'on']);
const FALSE = new Set(['false', '0', 'no', 'off']);

/** Why the container is hidden, in words for the agent's log; undefined when it is shown. */
export function hiddenBy(labels: Readonly<Record<string, string>> | null | undefined, optIn: boolean): string | undefined {
  const raw = labels?.[ENABLE_LABEL];
  if (raw === undefined) return optIn ? `the agent runs opt-in and it is not labelled ${ENABLE_LABEL}=true` : undefined;
  const value = raw.trim().toLowerCase();
  if (FALSE.has(value)) return `it is labelled ${ENABLE_LABEL}=false`;
  if (TRUE.has(value)) return undefined;
  return `its label ${ENABLE_LABEL}=${JSON.stringify(raw)} is neither true nor false`;
}
