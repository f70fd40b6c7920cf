/** The `agent.inventory` route. */
import { messageHandler } from './message-handler';
import { runtimeDeps } from './runtime';

export const handler = messageHandler('agent.inventory', runtimeDeps);
