import { Match, Switch } from 'solid-js';
import { useSession } from '../session/session-context';
import { ContainerLogs } from './ContainerLogs';
import { EmptyState } from './EmptyState';

/** The main area: the selected container's logs, or what to do next. */
export function LogPanel() {
  const session = useSession();
  const cannotConnect = () => {
    const state = session.connection.state();
    return !state.everOpened && state.attempt > 0;
  };
  const hasContainers = () => session.inventory.hosts().some((host) => host.containers.length > 0);

  return (
    <Switch>
      {/* keyed: a fresh log view (and scroll position) per container */}
      <Match when={session.selection.selected()} keyed>
        {(target) => <ContainerLogs target={target} />}
      </Match>
      <Match when={!session.inventory.loaded() && cannotConnect()}>
        <EmptyState
          title="Can't reach Sidetail"
          detail="The server is unreachable or the viewer token was rejected. Retrying automatically; check the token if this persists."
        />
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
