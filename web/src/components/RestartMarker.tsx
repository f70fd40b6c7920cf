/**
 * Where the container's numbering restarted (its buffer had expired and the agent numbered from
 * 1 again): the lines held before were dropped, since their seqs cannot be compared with the new
 * ones. Shown once, above the new lines.
 */
export function RestartMarker() {
  return (
    <div class="restart-marker" role="separator">
      <span class="gap-text">the log restarted here: earlier lines were dropped</span>
    </div>
  );
}
