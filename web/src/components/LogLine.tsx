import { createMemo, For, Show } from 'solid-js';
import { ansiClasses, ansiInlineStyle } from '../format/ansi-css';
import { looksLikeJson } from '../format/json-line';
import { lineSegments } from '../format/line-segments';
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

/** One log line. Its text is untrusted: it only ever becomes text nodes, never markup. */
export function LogLine(props: LogLineProps) {
  const segments = createMemo(() => lineSegments(props.row.text, props.matcher));
  const json = createMemo(() => looksLikeJson(props.row.plain));
  return (
    <div
      class="log-line"
      classList={{ 'is-stderr': props.row.stream === 'stderr', [`level-${props.row.level ?? 'none'}`]: true, 'is-expanded': props.expanded }}
    >
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
          <For each={segments()}>
            {(segment) => (
              <span classList={{ ...ansiClasses(segment.style), 'log-match': segment.match }} style={ansiInlineStyle(segment.style)}>
                {segment.text}
              </span>
            )}
          </For>
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
    </div>
  );
}
