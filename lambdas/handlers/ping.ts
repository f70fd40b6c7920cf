/** The `ping` route. */
import { messageHandler } from './message-handler';
import { runtimeDeps } from './runtime';

export const handler = messageHandler('ping', runtimeDeps);
