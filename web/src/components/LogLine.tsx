import { createMemo, Index, Show } from 'solid-js';
import { ansiClasses, ansiInlineStyle } from '../format/ansi-css';
import { looksLikeJson } from '../format/json-line';
import { lineSegments, type LineSegment } from '../format/line-segments';
import type { LineSource } from '../format/line-source';
import type { LogTimeFormat } from '../format/log-time';
import type { LineRow } from '../state/line-buffer';
import type { TextMatcher } from '../state/line-filter';
import { JsonTree } from './JsonTree';
import { LevelBadge } from './LevelBadge';
import { truncatedText } from '../format/byte-size';
import './log-line-source.css';

export interface LogLineProps {
  row: LineRow;
  matcher: TextMatcher | undefined;
  /** Absent: timestamps hidden. */
  time: LogTimeFormat | undefined;
  /** A JSON line opened into a tree. */
  expanded: boolean;
  onToggleExpanded(): void;
  /** The row's own actions: copy its text, point the address at it. */
  onCopy?: () => void;
  onLink?: () => void;
  /** Shown among lines of several containers: the container it is from. */
  source?: LineSource;
}

/** A segment as LogLine renders it: its classes as one string, its inline colours if any. */
interface RenderedSegment {
  readonly text: string;
  readonly class: string | undefined;
  readonly style: Record<string, string> | undefined;
}

const toRendered = (segment: LineSegment): RenderedSegment => {
  const classes = Object.keys(ansiClasses(segment.style));
  if (segment.match) classes.push('log-match');
  return { text: segment.text, class: classes.length > 0 ? classes.join(' ') : undefined, style: ansiInlineStyle(segment.style) };
};

/**
 * A row's segments, worked out once per row and highlight: a row scrolled back into view, or
 * kept in view while others arrive, is not parsed again. Rows are immutable, so the row is the key.
 */
const segmentCache = new WeakMap<LineRow, { readonly matcher: TextMatcher | undefined; readonly segments: readonly RenderedSegment[] }>();

function renderedSegments(row: LineRow, matcher: TextMatcher | undefined): readonly RenderedSegment[] {
  const cached = segmentCache.get(row);
  if (cached && cached.matcher === matcher) return cached.segments;
  const segments = lineSegments(row.text, matcher).map(toRendered);
  segmentCache.set(row, { matcher, segments });
  return segments;
}

/**
 * One log line. Its text is untrusted: it only ever becomes text nodes, never markup.
 * LogView keeps each element and hands it the next row under a flood, so the segments are kept
 * by position (Index): their spans stay and take the new text and classes, nothing is made anew.
 */
export function LogLine(props: LogLineProps) {
  const segments = createMemo(() => renderedSegments(props.row, props.matcher));
  const json = createMemo(() => looksLikeJson(props.row.plain));
  return (
    <div class={lineClass(props.row, props.expanded)}>
      <Show when={props.time}>
        {(time) => (
          <time class="log-time" dateTime={props.row.ts} title={`${props.row.ts} · ${props.row.stream} · seq ${props.row.seq}`}>
            {time().format(props.row.ts)}
          </time>
        )}
      </Show>
      <Show when={props.source}>
        {(source) => (
          <span class="log-source" style={{ '--source-colour': source().colour }} title={source().name}>
            {source().name}
          </span>
        )}
      </Show>
      <LevelBadge level={props.row.level} />
      <div class="log-body">
        <span class="log-text">
          <Show when={json()}>
            <button
              type="button"
              class="json-toggle"
              aria-expanded={props.expanded}
              aria-label={props.expanded ? 'Collapse JSON' : 'Expand JSON'}
              title={props.expanded ? 'Collapse' : 'Show as a tree'}
              onClick={() => props.onToggleExpanded()}
            >
              {props.expanded ? '▾' : '▸'}
            </button>
          </Show>
          <Index each={segments()}>
            {(segment) => (
              <span class={segment().class} style={segment().style}>
                {segment().text}
              </span>
            )}
          </Index>
          <Show when={props.row.truncated}>
            <span class="log-truncated" title={truncatedText(props.row.originalBytes).title}>
              {truncatedText(props.row.originalBytes).label}
            </span>
          </Show>
        </span>
        <Show when={json() && props.expanded}>
          <JsonTree text={props.row.plain} />
        </Show>
      </div>
      <Show when={props.onLink || props.onCopy}>
      <span class="log-row-actions">
        <Show when={props.onLink}>
          {(link) => (
            <button type="button" class="row-action" aria-label="Link to this line" title="Link to this line (the address names it)" onClick={() => link()()}>
              #
            </button>
          )}
        </Show>
        <Show when={props.onCopy}>
          {(copy) => (
            <button type="button" class="row-action" aria-label="Copy line" title="Copy the line's text" onClick={() => copy()()}>
              Copy
            </button>
          )}
        </Show>
      </span>
      </Show>
    </div>
  );
}

/** The line's classes as one string: one write when the element takes another row, not a toggle per class. */
function lineClass(row: LineRow, expanded: boolean): string {
  return `log-line${row.stream === 'stderr' ? ' is-stderr' : ''} level-${row.level ?? 'none'}${expanded ? ' is-expanded' : ''}`;
}
