/**
 * Whether the log view follows new lines. In a store, so that a shortcut or a link can pause or
 * resume it as the reader's scrolling does; the view (LogView.tsx) only reads it, and tells it
 * what the reader did (state/follow-scroll.ts decides).
 */
import { createSignal, type Accessor } from 'solid-js';

export interface FollowStore {
  readonly following: Accessor<boolean>;
  /** Stop following; the view keeps its place. */
  pause(): void;
  /** Follow again: the view jumps to the newest line and sticks there. */
  follow(): void;
}

export function createFollowStore(): FollowStore {
  const [following, setFollowing] = createSignal(true);
  return {
    following,
    pause: () => setFollowing(false),
    follow: () => setFollowing(true),
  };
}
