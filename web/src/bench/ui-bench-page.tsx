/**
 * The log view on its own, for bench/ui.bench.ts: the real LogView (virtual list, follow) and
 * LineHistogram over a real LineBuffer holding up to 100,000 lines, filtered by the real filter
 * store and row filter, as ContainerLogs composes them. The bench drives it through
 * `globalThis.__sidetailBench` and measures in the page. Never imported by the app: the bench
 * builds this file as its own entry, so nothing here reaches the production bundle
 * (test/web/built-index.test.ts checks).
 */
import { createMemo, createSignal } from 'solid-js';
import { render } from 'solid-js/web';
import type { LogLine } from '../../../protocol';
import { LineHistogram } from '../components/LineHistogram';
import { LogView } from '../components/LogView';
import { createLogTimeFormat } from '../format/log-time';
import { createFilterStore } from '../state/filter-store';
import { LineBuffer } from '../state/line-buffer';
import { filterRows } from '../state/line-filter';
import { createRowFilter } from '../state/row-filter';
import { createViewState, ViewStateContext } from '../state/view-context';
import '../styles/theme.css';
import type { AppendRun, FilterRun, UiBenchApi } from './ui-bench-api';

const CAPACITY = 100_000;
const LEVELS = ['INFO', 'INFO', 'INFO', 'DEBUG', 'WARN', 'INFO', 'ERROR', 'INFO'];
const BASE_MS = Date.UTC(2026, 10, 25, 12, 0, 0);

const buffer = new LineBuffer({ capacity: CAPACITY });
const [version, setVersion] = createSignal(0);
const filter = createFilterStore();
const view = createViewState();
let seq = 0;

/** A line of a busy web service, about 100 bytes, with a Docker timestamp 10 µs after the previous. */
function nextLine(): LogLine {
  seq += 1;
  const micros = seq * 10;
  const ts = `${new Date(BASE_MS + Math.floor(micros / 1000)).toISOString().slice(0, 23)}${String((micros % 1000) * 1000).padStart(6, '0')}Z`;
  const level = LEVELS[seq % LEVELS.length];
  const text = `${level} GET /api/users/${seq % 1000}/orders status=${seq % 17 === 0 ? 500 : 200} user=${(seq * 7919) % 100_003} took=${seq % 97}ms req=${seq.toString(36)}`;
  return { seq, ts, stream: seq % 11 === 0 ? 'stderr' : 'stdout', text };
}

function lines(count: number): LogLine[] {
  return Array.from({ length: count }, nextLine);
}

/** The row of this key is in the DOM and inside the list's viewport. */
function onScreen(key: string): boolean {
  const scroller = document.querySelector('.log-scroll');
  const row = document.querySelector(`.log-row[data-key="${key}"]`);
  if (!scroller || !row) return false;
  const view = scroller.getBoundingClientRect();
  const box = row.getBoundingClientRect();
  return box.height > 0 && box.top >= view.top - 1 && box.bottom <= view.bottom + 1;
}

const frame = () => new Promise<number>((resolve) => requestAnimationFrame(resolve));

function Page() {
  const rowFilter = createRowFilter();
  const visible = createMemo(() => {
    version();
    return rowFilter({ rows: buffer.rows, rewrites: buffer.rewrites }, filter.compiled());
  });
  const dropped = createMemo(() => {
    version();
    return buffer.trimmed;
  });
  const time = createLogTimeFormat({ timeZone: 'UTC' });
  return (
    <ViewStateContext.Provider value={view}>
      <div style={{ display: 'flex', 'flex-direction': 'column', height: '100vh' }}>
        <LineHistogram rows={visible().rows} rewrites={visible().rewrites} filter={filter.compiled()} time={time} onJump={(ts) => view.jump.jumpTo({ ts })} />
        <LogView rows={visible().rows} rewrites={visible().rewrites} matcher={filter.compiled().matcher} emptyText="" dropped={dropped()} />
      </div>
    </ViewStateContext.Provider>
  );
}

render(() => <Page />, document.getElementById('root')!);

const bench: UiBenchApi = {
  /** Adds lines, in batches as the logs store would, then lets a frame render them. */
  async load(count: number): Promise<number> {
    for (let done = 0; done < count; done += 10_000) buffer.addLive(lines(Math.min(10_000, count - done)), 1);
    setVersion((n) => n + 1);
    await frame();
    await frame();
    return buffer.lineCount;
  },
  /** Rows of the list in the DOM. */
  domRows: () => document.querySelectorAll('.log-row').length,
  /** Milliseconds from setting a regular expression to its rows laid out; and how many lines it kept. */
  async filter(query: string): Promise<FilterRun> {
    await frame();
    const start = performance.now();
    filter.setRegex(true);
    filter.setQuery(query);
    void document.body.offsetHeight;
    const ms = performance.now() - start;
    const kept = filterRows(buffer.rows, filter.compiled()).filter((row) => row.kind === 'line').length;
    // What the reader saw: every line row on screen must match (after the timing, so reading costs it nothing).
    const pattern = new RegExp(query, 'i');
    const texts = [...document.querySelectorAll('.log-row .log-text')].map((element) => element.textContent ?? '');
    const shownUnmatched = texts.filter((text) => !pattern.test(text)).length;
    filter.setQuery('');
    await frame();
    return { ms, kept, shown: texts.length, shownUnmatched };
  },
  /**
   * Appends `rate` lines a second for `seconds`, a frame's share in each animation frame (as the
   * logs store flushes once per frame), following. Per frame: the work the append costs (Solid's
   * updates, style and layout, forced) and the time since the frame before; and whether the newest
   * line appended is on screen after it (checked after the work is timed, on a layout already done).
   */
  async append(rate: number, seconds: number): Promise<AppendRun> {
    const pending = lines(Math.ceil(rate * seconds * 1.2));
    let used = 0;
    const work: number[] = [];
    const gaps: number[] = [];
    let appendFrames = 0;
    let shownFrames = 0;
    let last = await frame();
    const started = last;
    while (last - started < seconds * 1000) {
      const now = await frame();
      const due = Math.min(pending.length, Math.round(((now - started) / 1000) * rate)) - used;
      const begin = performance.now();
      if (due > 0) {
        buffer.addLive(pending.slice(used, used + due), 1);
        used += due;
        setVersion((n) => n + 1);
        void document.body.offsetHeight;
      }
      work.push(performance.now() - begin);
      if (due > 0) {
        appendFrames += 1;
        if (onScreen(`line:${pending[used - 1]!.seq}`)) shownFrames += 1;
      }
      gaps.push(now - last);
      last = now;
    }
    return { lines: used, elapsedMs: last - started, work, gaps, appendFrames, shownFrames };
  },
};

(globalThis as unknown as { __sidetailBench: UiBenchApi }).__sidetailBench = bench;
