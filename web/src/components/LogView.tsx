import { createVirtualizer, type VirtualItem } from '@tanstack/solid-virtual';
import { createEffect, createMemo, createSignal, For, Match, on, onCleanup, onMount, Show, Switch, untrack } from 'solid-js';
import { createLogTimeFormat, type LogTimeFormat } from '../format/log-time';
import { countNewLines, decideScroll, END_THRESHOLD_PX, leavesEnd, pausePoint, type PausePoint } from '../state/follow-scroll';
import type { LineSource } from '../format/line-source';
import type { GapRow, LineRow, LogRow, NoticeRow, RestartRow, SkipRow } from '../state/line-buffer';
import type { TextMatcher } from '../state/line-filter';
import { useViewState } from '../state/view-context';
import { GapMarker } from './GapMarker';
import { LogLine } from './LogLine';
import { NoticeMarker } from './NoticeMarker';
import { RestartMarker } from './RestartMarker';
import { SkipMarker } from './SkipMarker';
import './log-view.css';

export interface LogViewProps {
  /** Oldest first; keys stay stable as rows are appended and the oldest trimmed. */
  rows: readonly LogRow[];
  /** Highlights the filter's matches; absent when nothing is highlighted. */
  matcher: TextMatcher | undefined;
  /** Shown instead of the list while there are no rows. */
  emptyText: string;
  /** The view is at (or near) the top of the rows: older ones may be loaded (logs store's loadOlder). */
  onTopReached?: () => void;
  /** A line's own actions (its row's buttons). */
  onCopyLine?: (row: LineRow) => void;
  onLinkLine?: (row: LineRow) => void;
  /** Lines of several containers: which one a line is from (its name and colour, on the line). */
  sourceOf?: (row: LineRow) => LineSource | undefined;
}

/** A one-line row's height before it is measured; wrapped lines are measured as they render. */
const ESTIMATED_ROW_PX = 20;
/** Within this of the top, older lines are asked for (a few rows early, so they are there when reached). */
const TOP_REACHED_PX = 4 * ESTIMATED_ROW_PX;

const asLine = (row: LogRow | undefined): LineRow | undefined => (row?.kind === 'line' ? row : undefined);
const asGap = (row: LogRow | undefined): GapRow | undefined => (row?.kind === 'gap' ? row : undefined);
const asSkip = (row: LogRow | undefined): SkipRow | undefined => (row?.kind === 'skipped' ? row : undefined);
const asRestart = (row: LogRow | undefined): RestartRow | undefined => (row?.kind === 'restart' ? row : undefined);
const asNotice = (row: LogRow | undefined): NoticeRow | undefined => (row?.kind === 'notice' ? row : undefined);

const count = new Intl.NumberFormat();

/**
 * The virtual list of log rows. It owns the scroll element and the virtualizer: only the rows
 * on screen exist in the DOM, each measured (wrapped lines and open JSON vary in height) and
 * placed with translateY.
 *
 * Following lives in the follow store; what the reader's scrolling means is decided in
 * state/follow-scroll.ts. This component measures, applies the decision, and keeps the reader's
 * row in place while paused. Scroll writes happen in effects, after Solid has committed the new
 * rows and height to the DOM.
 */
export function LogView(props: LogViewProps) {
  let scroller!: HTMLDivElement;
  const view = useViewState();
  const follow = view.follow;
  const localTime = createLogTimeFormat();
  const utcTime = createLogTimeFormat({ timeZone: 'UTC' });
  const time = (): LogTimeFormat | undefined => {
    const mode = view.settings.settings().time;
    return mode === 'hidden' ? undefined : mode === 'utc' ? utcTime : localTime;
  };
  const wrap = () => view.settings.settings().wrap;
  let anchor: { key: VirtualItem['key']; offset: number } | undefined;
  let pointerDown = false;
  /** Where our own last write put scrollTop: scroll events that report it are ours, not the reader's. */
  let lastWritten: number | undefined;
  const [pausedAt, setPausedAt] = createSignal<PausePoint | undefined>(undefined);

  const virtualizer = createVirtualizer<HTMLDivElement, HTMLDivElement>({
    get count() {
      return props.rows.length;
    },
    // A getter, so the virtualizer sees new keys when rows shift at the cap without the count changing.
    get getItemKey() {
      const rows = props.rows;
      return (index: number) => rows[index]?.key ?? index;
    },
    getScrollElement: () => scroller,
    estimateSize: () => ESTIMATED_ROW_PX,
    overscan: 12,
    // Sizes come from the ResizeObserver, which reports every new row of a frame in one batch.
    // Measuring synchronously instead (the default) forces a layout per row, and a re-render
    // after each one: the difference between keeping up with a chatty container and not.
    measureElement: (element, entry, instance) => {
      const box = entry?.borderBoxSize?.[0];
      if (box) return Math.round(box.blockSize);
      if (entry) return element.getBoundingClientRect().height;
      const key = instance.options.getItemKey(instance.indexFromElement(element));
      return instance.itemSizeCache.get(key) ?? ESTIMATED_ROW_PX;
    },
  });

  // Rows render keyed by row key: a row's element lives exactly as long as the row is on
  // screen, so it is measured once, when the ResizeObserver first sees it (and again if it resizes).
  const itemsByKey = createMemo(() => new Map(virtualizer.getVirtualItems().map((item) => [item.key, item])));
  const visibleKeys = createMemo(() => virtualizer.getVirtualItems().map((item) => item.key));

  const distanceFromEnd = () => scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight;
  const scrollable = () => scroller.scrollHeight > scroller.clientHeight;

  // Scroll writes go straight to the element, followed by a scroll event right away: the
  // virtualizer must compute the rows for the new offset in this frame. Waiting for the
  // browser's own event (next frame) paints rows for the old offset, and after a jump of
  // thousands of trimmed rows that is an empty viewport.
  const scrollTo = (top: number) => {
    scroller.scrollTop = top;
    lastWritten = scroller.scrollTop;
    scroller.dispatchEvent(new Event('scroll'));
  };
  const scrollToEnd = () => scrollTo(scroller.scrollHeight);

  const rememberAnchor = () => {
    const item = virtualizer.getVirtualItemForOffset(scroller.scrollTop);
    anchor = item && { key: item.key, offset: scroller.scrollTop - item.start };
  };

  const restoreAnchor = (rows: readonly LogRow[]) => {
    if (!anchor) return;
    const key = anchor.key;
    const index = rows.findIndex((row) => row.key === key);
    const item = index === -1 ? undefined : virtualizer.measurementsCache[index];
    // The anchor row itself was trimmed or filtered out: nothing sensible to hold on to.
    if (!item) return;
    const target = Math.max(0, item.start + anchor.offset);
    if (Math.abs(target - scroller.scrollTop) >= 1) scrollTo(target);
  };

  // Only the reader stops following, so only their input counts (wheel, keys, touch, the
  // scrollbar): the virtualizer also moves scrollTop when it corrects for measured rows.
  const onWheel = (event: WheelEvent) => {
    if (follow.following() && leavesEnd({ kind: 'wheel', deltaY: event.deltaY }, scrollable())) follow.pause();
  };
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'End') follow.follow();
    else if (follow.following() && leavesEnd({ kind: 'key', key: event.key }, scrollable())) follow.pause();
  };
  const onPointerDown = () => {
    pointerDown = true;
  };
  const onPointerUp = () => {
    pointerDown = false;
  };
  const onScroll = () => {
    const ours = lastWritten !== undefined && Math.abs(scroller.scrollTop - lastWritten) < 1;
    if (!ours) lastWritten = undefined;
    const decision = decideScroll(follow.following(), { distanceFromEnd: distanceFromEnd(), ours, pointerDown });
    if (decision === 'follow') follow.follow();
    else if (decision === 'pause') follow.pause();
    else if (decision === 'stick') scrollToEnd();
    else if (decision === 'anchor') rememberAnchor();
    if (scroller.scrollTop <= TOP_REACHED_PX) props.onTopReached?.();
  };

  onMount(() => {
    const listeners: [string, EventListener][] = [
      ['scroll', onScroll as EventListener],
      ['wheel', onWheel as EventListener],
      ['keydown', onKeyDown as EventListener],
      ['pointerdown', onPointerDown as EventListener],
      ['touchstart', onPointerDown as EventListener],
    ];
    for (const [type, listener] of listeners) scroller.addEventListener(type, listener, { passive: true });
    window.addEventListener('pointerup', onPointerUp);
    window.addEventListener('touchend', onPointerUp);
    onCleanup(() => {
      for (const [type, listener] of listeners) scroller.removeEventListener(type, listener);
      window.removeEventListener('pointerup', onPointerUp);
      window.removeEventListener('touchend', onPointerUp);
    });
    if (follow.following()) scrollToEnd();
    else setPausedAt(pausePoint(props.rows));
    // Keys work at once (PageUp, Home, End) without clicking into the lines first.
    scroller.focus({ preventScroll: true });
  });

  // Following changed — by the reader's scrolling, "Jump to latest", or anyone holding the store.
  createEffect(
    on(
      follow.following,
      (following) => {
        if (following) {
          setPausedAt(undefined);
          // Following again lets go of a place jumped to: the view is the newest lines now.
          view.jump.clear();
          scrollToEnd();
        } else {
          setPausedAt(pausePoint(untrack(() => props.rows)));
          rememberAnchor();
        }
      },
      { defer: true },
    ),
  );
  // New rows (appended, trimmed, filtered): stay at the end, or keep the reader's row in place.
  createEffect(
    on(
      () => props.rows,
      (rows) => {
        if (untrack(follow.following)) scrollToEnd();
        else restoreAnchor(rows);
      },
      { defer: true },
    ),
  );
  // Rows measured taller than estimated grow the list after the fact: keep up while following.
  createEffect(
    on(
      () => virtualizer.getTotalSize(),
      () => {
        if (untrack(follow.following) && distanceFromEnd() > END_THRESHOLD_PX) scrollToEnd();
      },
      { defer: true },
    ),
  );

  // A place to show (a link's line, a histogram click): paused there, the row in the middle.
  createEffect(
    on(view.jump.reveal, (reveal) => {
      if (!reveal) return;
      const index = untrack(() => props.rows).findIndex((row) => row.key === reveal.key);
      if (index === -1) return;
      // Written directly (like every scroll here), then paused: the pause anchors this place.
      const offset = virtualizer.getOffsetForIndex(index, 'center');
      if (offset) scrollTo(offset[0]);
      follow.pause();
    }),
  );

  const newLines = createMemo(() => {
    const since = pausedAt();
    return since === undefined ? 0 : countNewLines(props.rows, since);
  });

  const jumpToLatest = () => {
    follow.follow();
    scrollToEnd();
    scroller.focus({ preventScroll: true });
  };

  return (
    <div class="log-view" classList={{ 'is-nowrap': !wrap() }}>
      <div ref={scroller} class="log-scroll" tabindex="0" aria-label="Log lines">
        <div class="log-canvas" style={{ height: `${virtualizer.getTotalSize()}px` }}>
          <For each={visibleKeys()}>
            {(key) => {
              let element!: HTMLDivElement;
              const item = () => itemsByKey().get(key);
              const row = () => {
                const current = item();
                return current && props.rows[current.index];
              };
              onMount(() => virtualizer.measureElement(element));
              return (
                <div
                  ref={element}
                  class="log-row"
                  classList={{ 'is-revealed': view.jump.reveal()?.key === key }}
                  data-index={item()?.index}
                  style={{ transform: `translateY(${item()?.start ?? 0}px)` }}
                >
                  <Switch>
                    <Match when={asLine(row())}>
                      {(line) => (
                        <LogLine
                          row={line()}
                          matcher={props.matcher}
                          time={time()}
                          expanded={view.expanded.isExpanded(line().key)}
                          onToggleExpanded={() => view.expanded.toggle(line().key)}
                          onCopy={props.onCopyLine && (() => props.onCopyLine?.(line()))}
                          onLink={props.onLinkLine && (() => props.onLinkLine?.(line()))}
                          source={props.sourceOf?.(line())}
                        />
                      )}
                    </Match>
                    <Match when={asGap(row())}>{(gap) => <GapMarker row={gap()} />}</Match>
                    <Match when={asSkip(row())}>{(skip) => <SkipMarker row={skip()} time={time() ?? localTime} />}</Match>
                    <Match when={asRestart(row())}>{(restart) => <RestartMarker reason={restart().reason} />}</Match>
                    <Match when={asNotice(row())}>{(notice) => <NoticeMarker row={notice()} time={time() ?? localTime} />}</Match>
                  </Switch>
                </div>
              );
            }}
          </For>
        </div>
      </div>
      <Show when={props.rows.length === 0}>
        <div class="log-empty">{props.emptyText}</div>
      </Show>
      <Show when={!follow.following() && props.rows.length > 0}>
        <button class="jump-latest" type="button" onClick={jumpToLatest} aria-label={newLines() > 0 ? `Jump to latest: ${count.format(newLines())} new ${newLines() === 1 ? 'line' : 'lines'}` : 'Jump to latest'}>
          <Show when={newLines() > 0} fallback={<>Jump to latest</>}>
            <span class="jump-count">{count.format(newLines())}</span> new {newLines() === 1 ? 'line' : 'lines'}
          </Show>{' '}
          <span aria-hidden="true">↓</span>
        </button>
      </Show>
    </div>
  );
}
