/** The `agent.status` route. */
import { messageHandler } from './message-handler';
import { runtimeDeps } from './runtime';

export const handler = messageHandler('agent.status', runtimeDeps);
