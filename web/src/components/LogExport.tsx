import { Show } from 'solid-js';
import { exportFileName, linesAsText } from '../format/line-export';
import type { LineRow, LogRow } from '../state/line-buffer';

export interface LogExportProps {
  /** The container's name, for the file's. */
  name: string;
  /** The rows shown (filtered) and all the rows loaded. */
  shown: readonly LogRow[];
  loaded: readonly LogRow[];
  filtering: boolean;
  /** Copies what the reader selected in the lines. */
  onCopySelection(): void;
  /** Lines of several containers: each line's container, written on its line. */
  sourceOf?: (row: LineRow) => string | undefined;
}

/** Takes lines away: what is shown (or everything loaded) as a text file, the selection to the clipboard. */
export function LogExport(props: LogExportProps) {
  const download = (rows: readonly LogRow[]) => {
    const url = URL.createObjectURL(new Blob([linesAsText(rows, props.sourceOf)], { type: 'text/plain;charset=utf-8' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = exportFileName(props.name, new Date());
    link.click();
    // The download has its own reference by the time the click's task is over.
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };
  return (
    <div class="log-export">
      <button
        type="button"
        class="segmented-option"
        title={props.filtering ? 'Download the matching lines as text' : 'Download the loaded lines as text'}
        onClick={() => download(props.shown)}
      >
        {props.filtering ? 'Download matching' : 'Download'}
      </button>
      <Show when={props.filtering}>
        <button type="button" class="segmented-option" title="Download every loaded line as text" onClick={() => download(props.loaded)}>
          Download all
        </button>
      </Show>
      <button
        type="button"
        class="segmented-option"
        title="Copy the selected text"
        // The click must not move the selection it copies.
        onMouseDown={(event) => event.preventDefault()}
        onClick={() => props.onCopySelection()}
      >
        Copy selection
      </button>
    </div>
  );
}
