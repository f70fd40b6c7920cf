import type { RestartRow } from '../state/line-buffer';

/**
 * Where the container's numbering restarted, so the lines held before were dropped (their seqs
 * cannot be compared with the new ones). `reset`: the cloud's history said the numbering started
 * over (its buffer was gone, or ahead of what this view held); `epoch`: lines of a new stream
 * arrived. Shown once, above the new lines.
 */
export function RestartMarker(props: { reason: RestartRow['reason'] }) {
  return (
    <div class="restart-marker" role="separator">
      <span class="gap-text">
        {props.reason === 'reset'
          ? "the log was reset here: the cloud's buffer started over, so the lines shown before were dropped"
          : 'the log restarted here: earlier lines were dropped'}
      </span>
    </div>
  );
}
