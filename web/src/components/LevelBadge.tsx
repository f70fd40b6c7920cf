import { Show } from 'solid-js';
import type { LogLevel } from '../format/log-level';

const SHORT: Record<LogLevel, string> = { fatal: 'FTL', error: 'ERR', warn: 'WRN', info: 'INF', debug: 'DBG', trace: 'TRC' };

/** A line's level as a short coloured tag (its colour in log-view.css); an empty column when none was read. */
export function LevelBadge(props: { level: LogLevel | undefined }) {
  return (
    <span class="log-level" aria-hidden={props.level === undefined ? 'true' : undefined}>
      <Show when={props.level}>{(level) => <span class={`level-tag level-tag-${level()}`} title={level()}>{SHORT[level()]}</span>}</Show>
    </span>
  );
}
