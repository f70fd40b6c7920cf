/** Which domain function answers which client action. */
import type { ClientAction, ClientMessage } from '../../protocol';
import { fetchLines } from '../domain/fetch-lines';
import { getInventory } from '../domain/get-inventory';
import { ingestBatch } from '../domain/ingest-batch';
import { ping } from '../domain/ping';
import type { Caller, Deps } from '../domain/ports';
import { recordStatus } from '../domain/record-status';
import { registerAgent } from '../domain/register-agent';
import { subscribe } from '../domain/subscribe';
import { unsubscribe } from '../domain/unsubscribe';
import { updateInventory } from '../domain/update-inventory';

export type ActionRunner<A extends ClientAction> = (deps: Deps, caller: Caller, message: ClientMessage<A>) => Promise<void>;

export const ACTION_RUNNERS: { readonly [A in ClientAction]: ActionRunner<A> } = {
  'agent.register': registerAgent,
  'agent.inventory': updateInventory,
  'log.batch': ingestBatch,
  'log.subscribe': subscribe,
  'log.unsubscribe': unsubscribe,
  'inventory.get': getInventory,
  ping,
  'log.fetch': fetchLines,
  'agent.status': recordStatus,
};
