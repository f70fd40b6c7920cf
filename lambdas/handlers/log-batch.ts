/** The `log.batch` route. */
import { messageHandler } from './message-handler';
import { runtimeDeps } from './runtime';

export const handler = messageHandler('log.batch', runtimeDeps);
