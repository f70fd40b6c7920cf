import { createEffect, createMemo, onCleanup } from 'solid-js';
import { containerKey, type ContainerRef } from '../../../protocol';
import type { LineSource } from '../format/line-source';
import { useSession } from '../session/session-context';
import type { LineRow } from '../state/line-buffer';
import { mergedLogs } from '../state/merged-logs';
import { streamNotice } from '../state/stream-notice';
import { createRowMerger, MERGED_CAPACITY, type MergedRow } from '../state/merged-rows';
import { LogReader } from './LogReader';

export interface MergedLogsProps {
  targets: readonly ContainerRef[];
  /** Each container's name and colour, by its key. */
  sources: ReadonlyMap<string, LineSource>;
}

/**
 * Several containers' lines in one list, interleaved by timestamp (state/merged-rows.ts), each
 * line with its container's name in its colour. Merged as the logs store tells of changes: at
 * most once per frame, from the new rows alone.
 */
export function MergedLogs(props: MergedLogsProps) {
  const session = useSession();
  const merge = createRowMerger();
  const parts = createMemo(() => props.targets.map((ref) => ({ id: containerKey(ref), logs: session.logs.view(ref) })));
  const merged = createMemo(() => merge(parts().map(({ id, logs }) => ({ id, rows: logs.rows, trimmed: logs.trimmed, rewrites: logs.rewrites }))));
  const logs = createMemo(() => mergedLogs(merged(), parts().map((part) => part.logs)));
  const names = () => props.targets.map((ref) => props.sources.get(containerKey(ref))?.name ?? ref.containerId.slice(0, 12));
  const sourceOf = (row: LineRow) => props.sources.get((row as MergedRow).source);
  // What holds any of them back (the connection, an offline host), each said once.
  const notice = () => {
    const said = new Set<string>();
    for (const ref of props.targets) {
      const text = streamNotice({ connection: session.connection.state().status, host: session.inventory.find(ref)?.host });
      if (text) said.add(text);
    }
    return said.size === 0 ? undefined : [...said].join(' ');
  };
  createEffect(() => {
    document.title = `${names().join(' + ')} · Sidetail`;
  });
  onCleanup(() => {
    document.title = 'Sidetail';
  });

  return (
    <LogReader
      logs={logs()}
      name={names().join('+')}
      notice={notice()}
      onTopReached={() => {
        // At the cap, older lines would be let go of at the front as they came: none are asked for.
        if (merged().rows.length >= MERGED_CAPACITY) return;
        for (const ref of props.targets) session.logs.loadOlder(ref);
      }}
      sourceOf={sourceOf}
      // A seq names a line of one container only: a merged line is linked by its moment.
      placeOf={(row) => ({ ts: row.ts })}
      title={
        <h2 class="log-name">
          Merged · {props.targets.length} containers
        </h2>
      }
    />
  );
}
