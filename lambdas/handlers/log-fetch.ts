/** The `log.fetch` route. */
import { messageHandler } from './message-handler';
import { runtimeDeps } from './runtime';

export const handler = messageHandler('log.fetch', runtimeDeps);
