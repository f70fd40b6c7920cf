import { For, Show } from 'solid-js';
import { useSession } from '../session/session-context';

/** Errors the cloud reported (`error` messages), newest last, each dismissible. */
export function ErrorNotices() {
  const session = useSession();
  return (
    <Show when={session.errors.notices().length > 0}>
      <ul class="notices" aria-label="Server errors">
        <For each={session.errors.notices()}>
          {(notice) => (
            <li class="notice">
              <span class="notice-code">{notice.code}</span>
              <span class="notice-text">
                {notice.message}
                <Show when={notice.requestAction}>{(action) => <span class="notice-muted"> (in reply to {action()})</span>}</Show>
              </span>
              <Show when={notice.count > 1}>
                <span class="notice-count">×{notice.count}</span>
              </Show>
              <button class="notice-dismiss" type="button" aria-label="Dismiss" onClick={() => session.errors.dismiss(notice.id)}>
                ×
              </button>
            </li>
          )}
        </For>
      </ul>
    </Show>
  );
}
