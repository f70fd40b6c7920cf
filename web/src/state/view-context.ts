/**
 * The stores of how the log view is read (not what the cloud sent: that is the session's):
 * following, the reader's settings, open JSON lines, the container search, a place to jump to. Created once per
 * dashboard and handed to components through context; components read them and call their actions.
 */
import { createContext, useContext } from 'solid-js';
import { createExpandedStore, type ExpandedStore } from './expanded-store';
import { createFinderStore, type FinderStore } from './finder-store';
import { createFollowStore, type FollowStore } from './follow-store';
import { createJumpStore, type JumpStore } from './jump-store';
import { createViewSettingsStore, type SettingsStorage, type ViewSettingsStore } from './view-settings-store';

export interface ViewState {
  readonly follow: FollowStore;
  readonly settings: ViewSettingsStore;
  readonly expanded: ExpandedStore;
  readonly finder: FinderStore;
  /** A place to show (a link's line or moment, a histogram click). */
  readonly jump: JumpStore;
}

export function createViewState(storage?: SettingsStorage): ViewState {
  return {
    follow: createFollowStore(),
    settings: createViewSettingsStore(storage),
    expanded: createExpandedStore(),
    finder: createFinderStore(),
    jump: createJumpStore(),
  };
}

export class MissingViewStateError extends Error {
  override readonly name = 'MissingViewStateError';
  constructor() {
    super('useViewState() was called outside <ViewStateContext.Provider>');
  }
}

export const ViewStateContext = createContext<ViewState>();

export function useViewState(): ViewState {
  const state = useContext(ViewStateContext);
  if (!state) throw new MissingViewStateError();
  return state;
}
