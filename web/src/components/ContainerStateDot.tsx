export interface ContainerStateDotProps {
  /** Docker's state word: running, exited, paused, restarting, created, dead. */
  state: string;
  /** A dot for an offline host's container is shown as unknown, whatever it last said. */
  stale?: boolean;
}

export function ContainerStateDot(props: ContainerStateDotProps) {
  return (
    <span
      class="state-dot"
      classList={{ [`state-${props.stale ? 'unknown' : props.state}`]: true }}
      title={props.stale ? `last seen ${props.state} (host offline)` : props.state}
      aria-label={props.state}
    />
  );
}
