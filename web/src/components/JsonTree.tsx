import { createMemo, For, Show } from 'solid-js';
import { jsonTreeRows, parseJsonLine } from '../format/json-line';

/**
 * A JSON line opened into a tree: one text row per key, value and bracket, indented by depth,
 * bounded (format/json-line.ts). Text only. A line that only looked like JSON says so.
 */
export function JsonTree(props: { text: string }) {
  const rows = createMemo(() => {
    const value = parseJsonLine(props.text);
    return value === undefined ? undefined : jsonTreeRows(value);
  });
  return (
    <Show when={rows()} fallback={<div class="json-tree json-invalid">not valid JSON</div>}>
      {(list) => (
        <div class="json-tree" role="tree">
          <For each={list()}>
            {(row) => (
              <div class="json-row" role="treeitem" aria-level={row.depth + 1} style={{ 'padding-left': `${row.depth * 16}px` }}>
                <Show when={row.key !== undefined}>
                  <span class="json-key">{row.key}</span>
                  <span class="json-colon">: </span>
                </Show>
                <span class={`json-${row.kind}`}>{row.text}</span>
              </div>
            )}
          </For>
        </div>
      )}
    </Show>
  );
}
