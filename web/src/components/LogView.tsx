import { createVirtualizer, type VirtualItem } from '@tanstack/solid-virtual';
import { createEffect, createMemo, createSignal, For, Match, on, onCleanup, onMount, Show, Switch } from 'solid-js';
import { createLogTimeFormat } from '../format/log-time';
import type { GapRow, LineRow, LogRow, SkipRow } from '../state/line-buffer';
import { GapMarker } from './GapMarker';
import { RestartMarker } from './RestartMarker';
import { SkipMarker } from './SkipMarker';
import { LogLine } from './LogLine';
import './log-view.css';

export interface LogViewProps {
  /** Oldest first; keys stay stable as rows are appended and the oldest trimmed. */
  rows: readonly LogRow[];
  /** The active filter, for highlighting. */
  query: string;
  /** Shown instead of the list while there are no rows. */
  emptyText: string;
  /** The view is at (or near) the top of the rows: older ones may be loaded (logs store's loadOlder). */
  onTopReached?: () => void;
}

/** A one-line row's height before it is measured; wrapped lines are measured as they render. */
const ESTIMATED_ROW_PX = 20;
/** "At the bottom" tolerates a few pixels of sub-pixel rounding. */
const END_THRESHOLD_PX = 4;
/** Within this of the top, older lines are asked for (a few rows early, so they are there when reached). */
const TOP_REACHED_PX = 4 * ESTIMATED_ROW_PX;

const asLine = (row: LogRow | undefined): LineRow | undefined => (row?.kind === 'line' ? row : undefined);
const asGap = (row: LogRow | undefined): GapRow | undefined => (row?.kind === 'gap' ? row : undefined);
const asSkip = (row: LogRow | undefined): SkipRow | undefined => (row?.kind === 'skipped' ? row : undefined);

/**
 * The virtual list of log rows. It owns the scroll element and the virtualizer: only the rows
 * on screen exist in the DOM, each measured (wrapped lines vary in height) and placed with
 * translateY.
 *
 * Following: while the reader is at the bottom, new lines scroll into view. Scrolling up stops
 * that; from then on the first visible row is the anchor, and when rows change (new lines,
 * the oldest trimmed at the cap, a filter) the view is put back so that row stays where it was.
 * Scrolling back to the bottom, or "Jump to latest", resumes following. Scroll writes happen in
 * effects, after Solid has committed the new rows and height to the DOM.
 */
export function LogView(props: LogViewProps) {
  let scroller!: HTMLDivElement;
  const time = createLogTimeFormat();
  const [following, setFollowing] = createSignal(true);
  let anchor: { key: VirtualItem['key']; offset: number } | undefined;
  let pointerDown = false;
  /** Where our own last write put scrollTop: scroll events that report it are ours, not the reader's. */
  let lastWritten: number | undefined;

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
  // screen, so it is measured once, when the ResizeObserver first sees it.
  const itemsByKey = createMemo(() => new Map(virtualizer.getVirtualItems().map((item) => [item.key, item])));
  const visibleKeys = createMemo(() => virtualizer.getVirtualItems().map((item) => item.key));

  const distanceFromEnd = () => scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight;

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

  const leave = () => {
    if (!following()) return;
    setFollowing(false);
    rememberAnchor();
  };

  // Only the reader stops following, so only their input counts (wheel, keys, touch, the
  // scrollbar): the virtualizer also moves scrollTop when it corrects for measured rows.
  const scrollable = () => scroller.scrollHeight > scroller.clientHeight;
  const onWheel = (event: WheelEvent) => {
    if (event.deltaY < 0 && scrollable()) leave();
  };
  const onKeyDown = (event: KeyboardEvent) => {
    if ((event.key === 'ArrowUp' || event.key === 'PageUp' || event.key === 'Home') && scrollable()) leave();
  };
  const onPointerDown = () => {
    pointerDown = true;
  };
  const onPointerUp = () => {
    pointerDown = false;
  };
  const onScroll = () => {
    const ours = lastWritten !== undefined && Math.abs(scroller.scrollTop - lastWritten) < 1;
    if (!ours) {
      lastWritten = undefined;
      // The reader reached the bottom: follow again. Dragged away from it: stop. Anything else
      // that moved the view while following (a correction, a clamp) is undone.
      if (distanceFromEnd() <= END_THRESHOLD_PX) setFollowing(true);
      else if (pointerDown) leave();
      else if (following()) return scrollToEnd();
    }
    if (!following()) rememberAnchor();
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
    scrollToEnd();
    // Keys work at once (PageUp, Home, End) without clicking into the lines first.
    scroller.focus({ preventScroll: true });
  });

  // New rows (appended, trimmed, filtered): stay at the end, or keep the reader's row in place.
  createEffect(
    on(
      () => props.rows,
      (rows) => {
        if (following()) scrollToEnd();
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
        if (following() && distanceFromEnd() > END_THRESHOLD_PX) scrollToEnd();
      },
      { defer: true },
    ),
  );

  const jumpToLatest = () => {
    setFollowing(true);
    scrollToEnd();
    scroller.focus({ preventScroll: true });
  };

  return (
    <div class="log-view">
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
                  data-index={item()?.index}
                  style={{ transform: `translateY(${item()?.start ?? 0}px)` }}
                >
                  <Switch>
                    <Match when={asLine(row())}>{(line) => <LogLine row={line()} query={props.query} time={time} />}</Match>
                    <Match when={asGap(row())}>{(gap) => <GapMarker row={gap()} />}</Match>
                    <Match when={asSkip(row())}>{(skip) => <SkipMarker row={skip()} time={time} />}</Match>
                    <Match when={row()?.kind === 'restart'}>
                      <RestartMarker />
                    </Match>
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
      <Show when={!following() && props.rows.length > 0}>
        <button class="jump-latest" type="button" onClick={jumpToLatest}>
          Jump to latest <span aria-hidden="true">↓</span>
        </button>
      </Show>
    </div>
  );
}
