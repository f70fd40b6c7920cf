import { batch, createEffect, createMemo, createSignal, Index, Match, on, onCleanup, onMount, Show, Switch, untrack } from 'solid-js';
import { createLogTimeFormat, type LogTimeFormat } from '../format/log-time';
import { decideScroll, leavesEnd, NewLineCounter, pausePoint, reanchor, type Anchor, type PausePoint } from '../state/follow-scroll';
import type { LineSource } from '../format/line-source';
import type { GapRow, LineRow, LogRow, NoticeRow, RestartRow, SkipRow } from '../state/line-buffer';
import type { TextMatcher } from '../state/line-filter';
import { RowLayout } from '../state/row-layout';
import { useViewState } from '../state/view-context';
import { DroppedMarker } from './DroppedMarker';
import { GapMarker } from './GapMarker';
import { LogLine } from './LogLine';
import { NoticeMarker } from './NoticeMarker';
import { RestartMarker } from './RestartMarker';
import { SkipMarker } from './SkipMarker';
import './log-view.css';

export interface LogViewProps {
  /** Oldest first; keys stay stable as rows are appended and the oldest trimmed. */
  rows: readonly LogRow[];
  /**
   * The changes to `rows` so far that were not appends at the end or drops at the front (the row
   * filter's `rewrites`): a gap filled in place leaves the rows as many, and their ends the same.
   */
  rewrites: number;
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
  /** Older rows dropped before `rows` by the view's cap (the buffer's `trimmed`): above a non-zero count, a marker says so. */
  dropped?: number;
}

/** A one-line row's height (18 px of text, 1 px above and below) before it is measured; wrapped lines are measured as they render. */
const ESTIMATED_ROW_PX = 20;
/** A marker row (a gap, a skip, a restart, a notice), likewise. */
const ESTIMATED_MARKER_PX = 24;
/** The dropped-lines marker above the rows: fixed in the stylesheet, so the rows below it need no measuring to place. */
const DROPPED_MARKER_PX = 28;
/** Rows rendered beyond each edge of the viewport, so a scroll shows rows already there. */
const OVERSCAN_PX = 4 * ESTIMATED_ROW_PX;
/** Paused under a flood, the page above the rows grows by what is dropped; past this it is taken away (one scroll write). */
const MAX_ORIGIN_PX = 4_000_000;
/** Within this of the top, older lines are asked for (a few rows early, so they are there when reached). */
const TOP_REACHED_PX = 4 * ESTIMATED_ROW_PX;

const estimateRow = (row: LogRow) => (row.kind === 'line' ? ESTIMATED_ROW_PX : ESTIMATED_MARKER_PX);

const asLine = (row: LogRow | undefined): LineRow | undefined => (row?.kind === 'line' ? row : undefined);
const asGap = (row: LogRow | undefined): GapRow | undefined => (row?.kind === 'gap' ? row : undefined);
const asSkip = (row: LogRow | undefined): SkipRow | undefined => (row?.kind === 'skipped' ? row : undefined);
const asRestart = (row: LogRow | undefined): RestartRow | undefined => (row?.kind === 'restart' ? row : undefined);
const asNotice = (row: LogRow | undefined): NoticeRow | undefined => (row?.kind === 'notice' ? row : undefined);

const count = new Intl.NumberFormat();

/** What one frame shows: the list's height, where its viewport stands, and the rows in it. */
interface Frame {
  readonly total: number;
  readonly top: number;
  /** The dropped marker's height above the rows (0 without it). */
  readonly lead: number;
  /** The page's height above the marker: rows dropped while paused (LogView's `origin`). */
  readonly origin: number;
  readonly first: number;
  readonly last: number;
}

/**
 * The virtual list of log rows. It owns the scroll element and the virtual list: only the rows
 * on screen (and a few beyond) exist in the DOM, in flow under one translateY to the top
 * RowLayout keeps for the first of them (state/row-layout.ts); each is measured by a
 * ResizeObserver when it renders (wrapped lines and open JSON vary in height), never the rows
 * off screen.
 *
 * Each frame is computed from the model, not read back from the DOM: the rows, their sizes, the
 * viewport's height (observed) and where the view should stand — the end while following, the
 * reader's row while paused. The DOM is written once after (the rows, the list's height, then
 * scrollTop), so a flood costs one layout per frame of the rows in view, whatever is loaded.
 *
 * Following lives in the follow store; what the reader's scrolling means is decided in
 * state/follow-scroll.ts. This component measures, applies the decision, and keeps the reader's
 * row in place while paused.
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
  const layout = new RowLayout<LogRow>(estimateRow);
  /** Bumped when measured sizes moved rows, or the reader moved the view: the frame is computed again. */
  const [moved, setMoved] = createSignal(0);
  const bump = () => setMoved((n) => n + 1);
  const [viewportHeight, setViewportHeight] = createSignal(0);
  let anchor: Anchor | undefined;
  let pointerDown = false;
  /** scrollTop as last written here or reported by a scroll event: never read back after a write. */
  let knownTop = 0;
  /** Where our own last write put scrollTop: scroll events that report it are ours, not the reader's. */
  let lastWritten: number | undefined;
  const [pausedAt, setPausedAt] = createSignal<PausePoint | undefined>(undefined);

  const lead = () => ((props.dropped ?? 0) > 0 ? DROPPED_MARKER_PX : 0);

  /**
   * Paused, the height of the rows dropped at the front since (the cap, under a flood): the rows
   * still held keep their place on the page, so holding the reader's row needs no scroll write — a
   * write would cut short a smooth scroll (a wheel, Home) the reader is in. Back to 0 when
   * following, after a relayout, and when the reader reaches it (above the marker is only that).
   */
  let origin = 0;

  /** The row at a viewport top, and how far into it; `head` is where row 0 starts on the page. */
  const anchorAt = (top: number, head: number): Anchor | undefined => {
    const index = layout.indexAt(top - head);
    const row = layout.rows[index];
    return row && { key: row.key, index, offset: top - head - layout.start(index) };
  };

  const frame = createMemo<Frame>(() => {
    const shown = { rows: props.rows, rewrites: props.rewrites };
    moved();
    const change = layout.update(shown);
    const leadPx = lead();
    const height = viewportHeight();
    const following = follow.following();
    let top = 0;
    if (following) {
      anchor = undefined;
      origin = 0;
    } else {
      if (change.kind === 'shifted') origin += change.droppedPx;
      else if (change.kind === 'rebuilt') origin = 0;
      anchor = anchor ? reanchor(anchor, change, layout.rows) : undefined;
      anchor ??= anchorAt(knownTop, leadPx + origin);
      const place = () => (anchor ? leadPx + origin + layout.start(anchor.index) + anchor.offset : knownTop);
      top = place();
      if (origin > 0 && (top < origin || origin > MAX_ORIGIN_PX)) {
        origin = 0;
        top = place();
      }
    }
    const head = leadPx + origin;
    const total = head + layout.total;
    const end = Math.max(0, total - height);
    top = following ? end : Math.max(0, Math.min(top, end));
    // Following, the view sits at the end and only moves down: rows above it would be made for nothing each frame.
    const above = following ? 0 : OVERSCAN_PX;
    return { total, top, lead: leadPx, origin, first: layout.indexAt(top - head - above), last: layout.indexAt(top - head + height + OVERSCAN_PX) };
  });

  /**
   * The rows in view, oldest first. Each position is one element (Index, not For): when a flood
   * replaces every row in view each frame, the elements stay and take the new rows' text, which
   * costs a fraction of making and disposing as many; while paused, the rows in view stay in
   * their positions (the window moves with the reader's row) and nothing re-renders.
   */
  const windowRows = createMemo(() => {
    const { first, last } = frame();
    return first < 0 ? [] : layout.rows.slice(first, last + 1);
  });

  /**
   * Where the first row in view starts. The rows follow it in the page's flow, one transform for
   * them all: rows placed one by one would each be a layer of their own to update and paint, and
   * a flood moves every one of them each frame. Measured sizes keep the model's tops equal to theirs.
   */
  const windowTop = () => {
    const current = frame();
    return current.first < 0 ? 0 : current.lead + current.origin + layout.start(current.first);
  };

  // Rows are measured as they render, and again if they resize or take another row; one callback for a frame's rows.
  const slots = new WeakMap<Element, number>();
  /** Each element's size as last reported (what its row was set to). */
  const reported = new WeakMap<Element, number>();
  const rendered = new Set<Element>();
  const rowSizes = new ResizeObserver((entries) => {
    const { first } = frame();
    let changed = false;
    for (const entry of entries) {
      const slot = slots.get(entry.target);
      const box = entry.borderBoxSize?.[0];
      const size = Math.round(box ? box.blockSize : entry.target.getBoundingClientRect().height);
      if (slot === undefined || size <= 0) continue;
      reported.set(entry.target, size);
      if (layout.setSize(first + slot, size)) changed = true;
    }
    if (changed) bump();
  });
  /** Measure an element again at the next layout (observing anew reports its size once even if it did not change). */
  const measure = (element: Element) => {
    rowSizes.unobserve(element);
    rowSizes.observe(element);
  };
  /** Sizes measured no longer hold (another width, wrapping toggled): estimates again, and every row on screen measured anew. */
  const remeasure = () => {
    layout.forgetSizes();
    for (const element of rendered) measure(element);
    bump();
  };
  let width = 0;
  const viewportSize = new ResizeObserver((entries) => {
    const box = entries[entries.length - 1]!.contentRect;
    setViewportHeight(box.height);
    if (width !== 0 && Math.abs(box.width - width) >= 1 && untrack(wrap)) remeasure();
    width = box.width;
  });
  onCleanup(() => {
    rowSizes.disconnect();
    viewportSize.disconnect();
  });
  createEffect(on(wrap, remeasure, { defer: true }));

  // The frame's place, written after Solid has put its rows and height in the DOM.
  createEffect(
    on(frame, (current) => {
      if (Math.abs(current.top - knownTop) < 1) return;
      scroller.scrollTop = current.top;
      // The write laid the list out already: reading the clamped value back costs nothing more.
      knownTop = scroller.scrollTop;
      lastWritten = knownTop;
    }),
  );

  // Only the reader stops following, so only their input counts (wheel, keys, touch, the
  // scrollbar): the view's own writes of scrollTop report scroll events too.
  const onWheel = (event: WheelEvent) => {
    if (follow.following() && leavesEnd({ kind: 'wheel', deltaY: event.deltaY }, frame().total > viewportHeight())) follow.pause();
  };
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'End') follow.follow();
    else if (follow.following() && leavesEnd({ kind: 'key', key: event.key }, frame().total > viewportHeight())) follow.pause();
  };
  const onPointerDown = () => {
    pointerDown = true;
  };
  const onPointerUp = () => {
    pointerDown = false;
  };
  const onScroll = () => {
    const top = scroller.scrollTop;
    const ours = lastWritten !== undefined && Math.abs(top - lastWritten) < 1;
    if (!ours) lastWritten = undefined;
    knownTop = top;
    const current = untrack(frame);
    const decision = decideScroll(follow.following(), { distanceFromEnd: current.total - top - viewportHeight(), ours, pointerDown });
    batch(() => {
      if (decision === 'follow') follow.follow();
      else if (decision === 'pause') follow.pause();
      else if (decision === 'stick') bump();
      else if (decision === 'anchor') {
        anchor = anchorAt(top, current.lead + current.origin);
        bump();
      }
    });
    if (top - current.origin <= TOP_REACHED_PX) props.onTopReached?.();
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
    width = scroller.clientWidth;
    setViewportHeight(scroller.clientHeight);
    viewportSize.observe(scroller);
    if (!follow.following()) setPausedAt(pausePoint(props.rows));
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
        } else {
          setPausedAt(pausePoint(untrack(() => props.rows)));
        }
      },
      { defer: true },
    ),
  );

  // A place to show (a link's line, a histogram click): paused there, the row in the middle.
  createEffect(
    on(view.jump.reveal, (reveal) => {
      if (!reveal) return;
      untrack(frame);
      const index = layout.rows.findIndex((row) => row.key === reveal.key);
      if (index === -1) return;
      batch(() => {
        anchor = { key: reveal.key, index, offset: -Math.max(0, (untrack(viewportHeight) - layout.size(index)) / 2) };
        follow.pause();
        bump();
      });
    }),
  );

  // Counted as rows come while paused, not over every row each frame (a flood at the cap changes them every frame).
  const newLineCounter = createMemo(() => {
    const since = pausedAt();
    return since && new NewLineCounter(since);
  });
  const newLines = createMemo(() => newLineCounter()?.count({ rows: props.rows, rewrites: props.rewrites }) ?? 0);

  const jumpToLatest = () => {
    follow.follow();
    scroller.focus({ preventScroll: true });
  };

  return (
    <div class="log-view" classList={{ 'is-nowrap': !wrap() }}>
      <div ref={scroller} class="log-scroll" tabindex="0" aria-label="Log lines">
        <div class="log-canvas" style={{ height: `${frame().total}px` }}>
          <Show when={(props.dropped ?? 0) > 0}>
            <DroppedMarker count={props.dropped ?? 0} top={frame().origin} />
          </Show>
          <div class="log-window" style={{ transform: `translateY(${windowTop()}px)` }}>
          <Index each={windowRows()}>
            {(row, slot) => {
              let element!: HTMLDivElement;
              onMount(() => {
                slots.set(element, slot);
                rendered.add(element);
                rowSizes.observe(element);
              });
              // Another row in this element: its size is that row's now. If the element keeps its
              // size it is reported only when that is not what the row is known to be; one that
              // changes size is reported anyway (still observed).
              createEffect(
                on(
                  row,
                  () => {
                    const known = reported.get(element);
                    if (known === undefined || known !== layout.size(untrack(frame).first + slot)) measure(element);
                  },
                  { defer: true },
                ),
              );
              onCleanup(() => {
                rendered.delete(element);
                rowSizes.unobserve(element);
              });
              return (
                <div
                  ref={element}
                  class="log-row"
                  classList={{ 'is-revealed': view.jump.reveal()?.key === row().key }}
                  data-key={row().key}
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
          </Index>
          </div>
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
