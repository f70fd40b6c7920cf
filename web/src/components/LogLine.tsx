import { createMemo, For, Show } from 'solid-js';
import { ansiClasses, ansiInlineStyle } from '../format/ansi-css';
import { lineSegments } from '../format/line-segments';
import type { LogTimeFormat } from '../format/log-time';
import type { LineRow } from '../state/line-buffer';

export interface LogLineProps {
  row: LineRow;
  query: string;
  time: LogTimeFormat;
}

/** One log line. Its text is untrusted: it only ever becomes text nodes, never markup. */
export function LogLine(props: LogLineProps) {
  const segments = createMemo(() => lineSegments(props.row.text, props.query));
  return (
    <div class="log-line" classList={{ 'is-stderr': props.row.stream === 'stderr' }}>
      <time class="log-time" dateTime={props.row.ts} title={`${props.row.ts} · ${props.row.stream} · seq ${props.row.seq}`}>
        {props.time.format(props.row.ts)}
      </time>
      <span class="log-text">
        <For each={segments()}>
          {(segment) => (
            <span
              classList={{ ...ansiClasses(segment.style), 'log-match': segment.match }}
              style={ansiInlineStyle(segment.style)}
            >
              {segment.text}
            </span>
          )}
        </For>
        <Show when={props.row.truncated}>
          <span class="log-truncated" title="The line was longer than 16 KB and was cut by the agent.">
            truncated
          </span>
        </Show>
      </span>
    </div>
  );
}
