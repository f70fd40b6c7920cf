/** Server `error` messages shown as dismissible notices. */
import { createSignal, type Accessor } from 'solid-js';
import type { ErrorMessage } from '../../../protocol';
import { addServerError, type ServerErrorNotice } from './server-errors';

export interface ErrorsStore {
  readonly notices: Accessor<readonly ServerErrorNotice[]>;
  report(error: ErrorMessage): void;
  dismiss(id: number): void;
}

export function createErrorsStore(): ErrorsStore {
  const [notices, setNotices] = createSignal<readonly ServerErrorNotice[]>([]);
  let nextId = 1;
  return {
    notices,
    report: (error) => setNotices((current) => addServerError(current, error, nextId++)),
    dismiss: (id) => setNotices((current) => current.filter((n) => n.id !== id)),
  };
}
