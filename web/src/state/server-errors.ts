/**
 * `error` messages from the cloud, condensed for display: the same error repeated (say, every
 * reconnect) is one notice with a count, and only the newest few are kept. Pure.
 */
import type { ErrorMessage } from '../../../protocol';

export interface ServerErrorNotice {
  readonly id: number;
  readonly code: ErrorMessage['code'];
  readonly message: string;
  readonly requestAction?: string;
  readonly count: number;
}

export const MAX_NOTICES = 5;

export function addServerError(
  notices: readonly ServerErrorNotice[],
  error: ErrorMessage,
  id: number,
): readonly ServerErrorNotice[] {
  const same = notices.find(
    (n) => n.code === error.code && n.message === error.message && n.requestAction === error.requestAction,
  );
  if (same) return notices.map((n) => (n === same ? { ...n, count: n.count + 1 } : n));
  const notice: ServerErrorNotice = {
    id,
    code: error.code,
    message: error.message,
    count: 1,
    ...(error.requestAction === undefined ? {} : { requestAction: error.requestAction }),
  };
  return [...notices, notice].slice(-MAX_NOTICES);
}
