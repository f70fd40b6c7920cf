import { Match, Switch } from 'solid-js';
import { useSession } from '../session/session-context';
import type { ConnectionProblem } from '../state/connection-problem';
import { ContainerLogs } from './ContainerLogs';
import { EmptyState } from './EmptyState';
import { SeveralLogs } from './SeveralLogs';

export interface LogPanelProps {
  /** Why no connection opened, when none has (state/connection-problem.ts). */
  problem: ConnectionProblem | undefined;
}

/** The main area: the container shown, several (merged or side by side), or what to do next. */
export function LogPanel(props: LogPanelProps) {
  const session = useSession();
  const hasContainers = () => session.inventory.hosts().some((host) => host.containers.length > 0);

  return (
    <Switch>
      <Match when={session.selection.watched().length > 1}>
        <SeveralLogs />
      </Match>
      {/* keyed: a fresh log view (and scroll position) per container */}
      <Match when={session.selection.selected()} keyed>
        {(target) => <ContainerLogs target={target} />}
      </Match>
      <Match when={!session.inventory.loaded() && props.problem === 'token-refused'}>
        <EmptyState
          title="The token was refused"
          detail="Sidetail did not accept this viewer token. Change it with “Change token” at the top right (retrying meanwhile, in case the server is only down)."
        />
      </Match>
      <Match when={!session.inventory.loaded() && props.problem === 'unreachable'}>
        <EmptyState title="Can't reach Sidetail" detail="This token worked before; the server is not answering. Retrying automatically." />
      </Match>
      <Match when={!session.inventory.loaded()}>
        <EmptyState title="Connecting…" />
      </Match>
      <Match when={!hasContainers()}>
        <EmptyState
          title="No containers yet — is the agent running?"
          detail="Start the Sidetail agent next to Docker on a host; its containers show up here as soon as it registers."
        />
      </Match>
      <Match when={hasContainers()}>
        <EmptyState title="Pick a container" detail="Choose a container on the left to follow its logs live." />
      </Match>
    </Switch>
  );
}
