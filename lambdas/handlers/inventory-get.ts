/** The `inventory.get` route. */
import { messageHandler } from './message-handler';
import { runtimeDeps } from './runtime';

export const handler = messageHandler('inventory.get', runtimeDeps);
