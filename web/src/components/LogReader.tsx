import { createEffect, createMemo, createSignal, onCleanup, onMount, Show, untrack, type JSX } from 'solid-js';
import { useSession } from '../session/session-context';
import { createLogTimeFormat } from '../format/log-time';
import type { LineSource } from '../format/line-source';
import { copyMessage, copyText } from '../state/clipboard-copy';
import { findPlace } from '../state/jump-target';
import type { LineRow } from '../state/line-buffer';
import type { ContainerLogs } from '../state/logs-store';
import { createRowFilter } from '../state/row-filter';
import { useViewState } from '../state/view-context';
import type { ViewPlace } from '../state/view-link';
import { FilterBox } from './FilterBox';
import { LevelFilter } from './LevelFilter';
import { LineHistogram } from './LineHistogram';
import { LogExport } from './LogExport';
import { LogView } from './LogView';
import { StreamToggle } from './StreamToggle';
import { ViewOptions } from './ViewOptions';
import './log-panel.css';

export interface LogReaderProps {
  /** The lines to read: one container's, or several merged (the same shape). */
  logs: ContainerLogs;
  /** What the lines are called (the file downloaded is named for it). */
  name: string;
  /** The toolbar's title: the container, or the containers merged. */
  title: JSX.Element;
  /** The reader reached the top: older lines may be loaded. */
  onTopReached(): void;
  /** Which container a line is from, on lines of several containers. */
  sourceOf?: (row: LineRow) => LineSource | undefined;
  /** The place a line's link names (default: its seq — a seq means nothing across containers). */
  placeOf?: (row: LineRow) => ViewPlace;
  /** Something to say about the stream above the lines (state/stream-notice.ts). */
  notice?: string;
  /** Without the filters and the histogram (a pane among others: the filter is shared). */
  compact?: boolean;
}

const count = new Intl.NumberFormat();
const localTime = createLogTimeFormat();
const utcTime = createLogTimeFormat({ timeZone: 'UTC' });

/**
 * Reading lines: the toolbar (title, count, view options), the filters, download and copy, the
 * histogram and the virtual list — the same for one container, several merged, or a pane.
 */
export function LogReader(props: LogReaderProps) {
  const session = useSession();
  const view = useViewState();
  // Lines open following their newest one, with none of them opened.
  onMount(() => {
    view.follow.follow();
    view.expanded.clear();
  });
  const compiled = () => session.filter.compiled();
  const filtering = () => compiled().active;
  // Lines arriving are tested alone; the rows held are filtered again only when the filter changes.
  const rowFilter = createRowFilter();
  const shown = createMemo(() => rowFilter(props.logs, compiled()));
  const visible = () => shown().rows;
  // A place asked for (a link, the histogram) is found among the rows shown once they hold it.
  createEffect(() => {
    const place = view.jump.place();
    if (!place || untrack(view.jump.reveal)) return;
    const row = findPlace(visible(), place, !props.logs.loadingHistory);
    if (row) view.jump.resolved(row.key);
  });
  const lineCount = () => props.logs.lineCount;
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
    view.jump.jumpTo(props.placeOf ? props.placeOf(row) : { seq: row.seq });
    // The address names the line now (Dashboard's effect ran with the jump).
    void copy(window.location.href, 'a link to the line');
  };
  const histogramTime = () => (view.settings.settings().time === 'utc' ? utcTime : localTime);
  const sourceName = (row: LineRow) => props.sourceOf?.(row)?.name;

  const emptyText = () => {
    if (props.logs.loadingHistory) return 'Loading recent lines…';
    if (lineCount() === 0) return 'No log lines yet. New lines appear here as the container writes them.';
    return 'No loaded line matches the filter.';
  };

  return (
    <section class="log-panel" classList={{ 'is-compact': props.compact === true }}>
      <header class="log-toolbar">
        <div class="log-title">{props.title}</div>
        <div class="log-actions">
          <span class="log-count">
            <Show when={filtering()} fallback={<>{count.format(lineCount())} lines</>}>
              {count.format(matchCount())} of {count.format(lineCount())} lines
            </Show>
            <Show when={props.logs.olderStatus !== 'idle'}>
              <span class="log-older"> · {props.logs.olderStatus === 'loading' ? 'loading older lines…' : 'start of the buffer'}</span>
            </Show>
            <Show when={props.logs.trimmed > 0}>
              <span class="log-trimmed" title="The dashboard keeps the newest lines of each container; older ones were dropped from view.">
                {' '}
                (+{count.format(props.logs.trimmed)} older dropped)
              </span>
            </Show>
          </span>
          <Show when={!props.compact}>
            <ViewOptions settings={view.settings} />
          </Show>
        </div>
      </header>
      <Show when={!props.compact}>
        <div class="log-filters">
          <FilterBox filter={session.filter} error={compiled().error} />
          <StreamToggle stream={session.filter.stream()} onStreamChange={(s) => session.filter.setStream(s)} />
          <LevelFilter filter={session.filter} />
          <LogExport
            name={props.name}
            shown={visible()}
            loaded={props.logs.rows}
            filtering={filtering()}
            onCopySelection={copySelection}
            sourceOf={props.sourceOf && sourceName}
          />
        </div>
      </Show>
      <Show when={props.notice}>
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
      <Show when={!props.compact}>
        <LineHistogram rows={visible()} rewrites={shown().rewrites} filter={compiled()} time={histogramTime()} onJump={(ts) => view.jump.jumpTo({ ts })} />
      </Show>
      <LogView
        rows={visible()}
        rewrites={shown().rewrites}
        matcher={compiled().matcher}
        emptyText={emptyText()}
        onCopyLine={(row) => void copy(row.plain, 'the line')}
        // A pane's own place is not the address's (that names the view's): no link to a line there.
        onLinkLine={props.compact ? undefined : linkLine}
        onTopReached={() => props.onTopReached()}
        sourceOf={props.sourceOf}
        dropped={props.logs.trimmed}
      />
    </section>
  );
}
