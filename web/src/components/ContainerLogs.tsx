import { createEffect, createMemo, createSignal, onCleanup, onMount, Show, untrack } from 'solid-js';
import type { ContainerRef } from '../../../protocol';
import { useSession } from '../session/session-context';
import { containerStatusLabel } from '../format/container-status';
import { createLogTimeFormat } from '../format/log-time';
import { copyMessage, copyText } from '../state/clipboard-copy';
import { displayName } from '../state/inventory-order';
import { findPlace } from '../state/jump-target';
import type { LineRow } from '../state/line-buffer';
import { createRowFilter } from '../state/row-filter';
import { streamNotice } from '../state/stream-notice';
import { useViewState } from '../state/view-context';
import { ContainerStateDot } from './ContainerStateDot';
import { FilterBox } from './FilterBox';
import { LevelFilter } from './LevelFilter';
import { LineHistogram } from './LineHistogram';
import { LogExport } from './LogExport';
import { LogView } from './LogView';
import { StreamToggle } from './StreamToggle';
import { ViewOptions } from './ViewOptions';
import './log-panel.css';

export interface ContainerLogsProps {
  target: ContainerRef;
}

const count = new Intl.NumberFormat();
const localTime = createLogTimeFormat();
const utcTime = createLogTimeFormat({ timeZone: 'UTC' });

/** One container: its header, the filters and view options, and the virtual list of its lines. */
export function ContainerLogs(props: ContainerLogsProps) {
  const session = useSession();
  const view = useViewState();
  // A container opens following its newest line, with its own lines closed.
  onMount(() => {
    view.follow.follow();
    view.expanded.clear();
  });
  const logs = createMemo(() => session.logs.view(props.target));
  const found = createMemo(() => session.inventory.find(props.target));
  const name = () => {
    const info = found();
    return info ? displayName(info.container) : props.target.containerId.slice(0, 12);
  };
  const notice = () => streamNotice({ connection: session.connection.state().status, host: found()?.host });
  createEffect(() => {
    document.title = `${name()} · Sidetail`;
  });
  onCleanup(() => {
    document.title = 'Sidetail';
  });
  const compiled = () => session.filter.compiled();
  const filtering = () => compiled().active;
  // Lines arriving are tested alone; the rows held are filtered again only when the filter changes.
  const rowFilter = createRowFilter();
  const visible = createMemo(() => rowFilter(logs(), compiled()));
  // A place asked for (a link, the histogram) is found among the rows shown once they hold it.
  createEffect(() => {
    const place = view.jump.place();
    if (!place || untrack(view.jump.reveal)) return;
    const row = findPlace(visible(), place, !logs().loadingHistory);
    if (row) view.jump.resolved(row.key);
  });
  const lineCount = () => logs().lineCount;
  const matchCount = createMemo(() =>
    filtering() ? visible().reduce((n, row) => (row.kind === 'line' ? n + 1 : n), 0) : lineCount(),
  );

  // Copies, and what to say about them (the Clipboard API may be missing or refuse).
  const [copyNotice, setCopyNotice] = createSignal<string | undefined>(undefined);
  let noticeTimer: ReturnType<typeof setTimeout> | undefined;
  onCleanup(() => clearTimeout(noticeTimer));
  const copy = async (text: string, what: string) => {
    const outcome = await copyText(text, globalThis.navigator?.clipboard);
    clearTimeout(noticeTimer);
    setCopyNotice(copyMessage(outcome, what));
    noticeTimer = setTimeout(() => setCopyNotice(undefined), outcome === 'copied' ? 2_000 : 6_000);
  };
  const copySelection = () => {
    const text = window.getSelection()?.toString() ?? '';
    if (text === '') {
      setCopyNotice('Select some text in the lines first.');
      return;
    }
    void copy(text, 'the selection');
  };
  const linkLine = (row: LineRow) => {
    view.jump.jumpTo({ seq: row.seq });
    // The address names the line now (Dashboard's effect ran with the jump).
    void copy(window.location.href, 'a link to the line');
  };
  const histogramTime = () => (view.settings.settings().time === 'utc' ? utcTime : localTime);

  const emptyText = () => {
    if (logs().loadingHistory) return 'Loading recent lines…';
    if (lineCount() === 0) return 'No log lines yet. New lines appear here as the container writes them.';
    return 'No loaded line matches the filter.';
  };

  return (
    <section class="log-panel">
      <header class="log-toolbar">
        <div class="log-title">
          <Show when={found()}>
            {(info) => <ContainerStateDot state={info().container.state} stale={!info().host.online} />}
          </Show>
          <h2 class="log-name">{name()}</h2>
          <Show when={found()}>
            {(info) => (
              <span class="log-meta">
                <span class="log-image">{info().container.image}</span>
                <span class="log-sep">·</span>
                <span>{info().host.hostName}</span>
                <span class="log-sep">·</span>
                <span class="log-status" title={containerStatusLabel(info().container, info().host).title}>
                  {containerStatusLabel(info().container, info().host).text}
                </span>
              </span>
            )}
          </Show>
        </div>
        <div class="log-actions">
          <span class="log-count">
            <Show when={filtering()} fallback={<>{count.format(lineCount())} lines</>}>
              {count.format(matchCount())} of {count.format(lineCount())} lines
            </Show>
            <Show when={logs().olderStatus !== 'idle'}>
              <span class="log-older"> · {logs().olderStatus === 'loading' ? 'loading older lines…' : 'start of the buffer'}</span>
            </Show>
            <Show when={logs().trimmed > 0}>
              <span class="log-trimmed" title="The dashboard keeps the newest lines of each container; older ones were dropped from view.">
                {' '}
                (+{count.format(logs().trimmed)} older dropped)
              </span>
            </Show>
          </span>
          <ViewOptions settings={view.settings} />
        </div>
      </header>
      <div class="log-filters">
        <FilterBox filter={session.filter} error={compiled().error} />
        <StreamToggle stream={session.filter.stream()} onStreamChange={(s) => session.filter.setStream(s)} />
        <LevelFilter filter={session.filter} />
        <LogExport name={name()} shown={visible()} loaded={logs().rows} filtering={filtering()} onCopySelection={copySelection} />
      </div>
      <Show when={notice()}>
        {(text) => (
          <p class="log-notice" role="status">
            {text()}
          </p>
        )}
      </Show>
      <Show when={copyNotice()}>
        {(text) => (
          <p class="log-notice copy-notice" role="status">
            {text()}
          </p>
        )}
      </Show>
      <LineHistogram rows={visible()} filter={compiled()} time={histogramTime()} onJump={(ts) => view.jump.jumpTo({ ts })} />
      <LogView
        rows={visible()}
        matcher={compiled().matcher}
        emptyText={emptyText()}
        onCopyLine={(row) => void copy(row.plain, 'the line')}
        onLinkLine={linkLine}
        onTopReached={() => session.logs.loadOlder(props.target)}
        dropped={logs().trimmed}
      />
    </section>
  );
}
