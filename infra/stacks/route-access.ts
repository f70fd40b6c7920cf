/**
 * What each function may do, derived from the code it runs: which DynamoDB actions on which
 * partitions (lambdas/adapters/keys.ts), and whether it posts to connections. Read from the
 * handlers down: each route's domain function (lambdas/handlers/action-runners.ts), the port
 * methods it and its helpers call (lambdas/domain), and the commands each adapter method sends
 * (lambdas/adapters/dynamo-*.ts). A port method used by a new code path must be added here, or the
 * function is refused with AccessDenied: test/infra/route-access.test.ts reads the code the same
 * way and fails when the two part, in either direction.
 */
import type { BatchBodyAccess } from '../constructs/batch-bucket';
import type { TableGrant } from '../constructs/house-function';
import type { RouteKey } from '../../lambdas/route-table';
import { AGENTS_PK, CREDENTIALS_PK } from '../../lambdas/adapters/keys';

// Partition patterns (keys.ts): a trailing `*` is a prefix.
const CONN = 'CONN#*';
const VIEWERS = 'VIEWERS#*';
const SUBS = 'SUBS#*';
const HOST = 'HOST#*';
const LOG = 'LOG#*';
const PART = 'PART#*';
const CRED = 'CRED#*';

/** The port methods of lambdas/domain/ports.ts, each with the commands its adapter sends (checked against lambdas/adapters by test/infra/route-access.test.ts). */
export const PORT_METHODS = {
  'connections.add': [{ actions: ['BatchWriteItem'], partitions: [CONN, VIEWERS] }],
  'connections.get': [{ actions: ['GetItem'], partitions: [CONN] }],
  'connections.viewerIds': [{ actions: ['Query'], partitions: [VIEWERS] }],
  'connections.remove': [{ actions: ['BatchWriteItem'], partitions: [CONN, VIEWERS] }],
  'credentials.get': [{ actions: ['GetItem'], partitions: [CREDENTIALS_PK] }],
  'credentials.addConnection': [{ actions: ['PutItem'], partitions: [CRED] }],
  'subscriptions.add': [
    { actions: ['PutItem'], partitions: [CONN, SUBS] },
    { actions: ['GetItem'], partitions: [CONN] },
    { actions: ['DeleteItem'], partitions: [SUBS] },
  ],
  'subscriptions.remove': [{ actions: ['BatchWriteItem'], partitions: [CONN, SUBS] }],
  'subscriptions.removeUnlessResubscribed': [
    { actions: ['PutItem'], partitions: [CONN] },
    { actions: ['DeleteItem'], partitions: [SUBS] },
  ],
  'subscriptions.isSubscribed': [{ actions: ['GetItem'], partitions: [CONN] }],
  'subscriptions.subscriberIds': [{ actions: ['Query'], partitions: [SUBS] }],
  'subscriptions.hasSubscribers': [{ actions: ['Query'], partitions: [SUBS] }],
  'subscriptions.ofConnection': [{ actions: ['Query'], partitions: [CONN] }],
  // A counting Query, and a GetItem of the one pair not to count.
  'subscriptions.subscriptionCount': [{ actions: ['Query', 'GetItem'], partitions: [CONN] }],
  'subscriptions.subscriberCount': [{ actions: ['Query', 'GetItem'], partitions: [SUBS] }],
  'agents.get': [{ actions: ['GetItem'], partitions: [AGENTS_PK] }],
  'agents.list': [{ actions: ['Query'], partitions: [AGENTS_PK] }],
  'agents.put': [{ actions: ['UpdateItem'], partitions: [AGENTS_PK] }],
  'agents.putStatus': [{ actions: ['UpdateItem'], partitions: [AGENTS_PK] }],
  'agents.markOffline': [{ actions: ['UpdateItem'], partitions: [AGENTS_PK] }],
  'hostContainers.entries': [{ actions: ['Query'], partitions: [HOST] }],
  'hostContainers.get': [{ actions: ['GetItem'], partitions: [HOST] }],
  'hostContainers.apply': [{ actions: ['PutItem'], partitions: [HOST] }],
  'buffer.put': [
    { actions: ['Query', 'PutItem'], partitions: [LOG] },
    // Only after a lost conditional put: the batch that got there first.
    { actions: ['GetItem'], partitions: [LOG] },
  ],
  'buffer.newest': [{ actions: ['Query'], partitions: [LOG] }],
  'buffer.range': [{ actions: ['Query'], partitions: [LOG] }],
  'buffer.holdPart': [{ actions: ['PutItem'], partitions: [PART] }],
  'buffer.heldParts': [{ actions: ['Query'], partitions: [PART] }],
} satisfies Record<string, readonly TableGrant[]>;

type PortMethod = keyof typeof PORT_METHODS;

/** streamStartMessage (a resume point: the buffer's newest lines), sent by subscribe and stop-if-unwatched. */
const STREAM_START: readonly PortMethod[] = ['buffer.newest'];
/** stopIfUnwatched: anyone left? if not, the agent's connection, to send log.stream.stop (or a start again). */
const STOP_IF_UNWATCHED: readonly PortMethod[] = ['subscriptions.hasSubscribers', 'agents.get', ...STREAM_START];
/** broadcastHost and broadcastContainerChanges: every viewer's connection. */
const BROADCAST: readonly PortMethod[] = ['connections.viewerIds'];
/**
 * forgetConnections, the clean-up of a connection found gone (HTTP 410) — reached from every
 * reply, so from every message route — and of `$disconnect`.
 */
const FORGET_CONNECTIONS: readonly PortMethod[] = [
  'connections.get',
  'connections.remove',
  'subscriptions.ofConnection',
  'subscriptions.remove',
  ...STOP_IF_UNWATCHED,
  'agents.markOffline',
  'agents.get',
  ...BROADCAST,
];
/** registrationOf: does this connection hold the agent's registration? */
const REGISTRATION_OF: readonly PortMethod[] = ['agents.get'];

export interface RouteAccess {
  /** Port methods whose commands the function sends; none: no table at all. */
  readonly uses: readonly PortMethod[];
  /**
   * Posts to connections (PostToConnection): a reply, an `error` answer, a fan-out. The message
   * routes all may answer `error`; `$connect` answers by its status code alone.
   */
  readonly postsToConnections: boolean;
}

export const ROUTE_ACCESS: { readonly [K in RouteKey]: RouteAccess } = {
  $connect: {
    uses: ['connections.add', 'credentials.addConnection', 'credentials.get', 'connections.remove'],
    postsToConnections: false,
  },
  $disconnect: { uses: FORGET_CONNECTIONS, postsToConnections: true },
  // API Gateway sends a message here only when its `action` names no route (each client action
  // has one), so all it does is answer `error` unknown_action.
  $default: { uses: [], postsToConnections: true },
  'agent.register': {
    uses: ['agents.put', 'hostContainers.entries', 'hostContainers.apply', 'subscriptions.hasSubscribers', ...STREAM_START, ...BROADCAST, ...FORGET_CONNECTIONS],
    postsToConnections: true,
  },
  'agent.inventory': {
    uses: [...REGISTRATION_OF, 'hostContainers.apply', ...BROADCAST, ...FORGET_CONNECTIONS],
    postsToConnections: true,
  },
  'agent.status': {
    uses: [...REGISTRATION_OF, 'agents.putStatus', ...BROADCAST, ...FORGET_CONNECTIONS],
    postsToConnections: true,
  },
  'log.batch': {
    uses: [...REGISTRATION_OF, 'buffer.put', 'buffer.holdPart', 'buffer.heldParts', 'subscriptions.subscriberIds', ...STOP_IF_UNWATCHED, ...FORGET_CONNECTIONS],
    postsToConnections: true,
  },
  'log.subscribe': {
    uses: [
      'connections.get',
      'hostContainers.get',
      'agents.get',
      'subscriptions.subscriptionCount',
      'subscriptions.subscriberCount',
      'subscriptions.add',
      'subscriptions.hasSubscribers',
      'buffer.newest',
      ...STREAM_START,
      ...STOP_IF_UNWATCHED,
      ...FORGET_CONNECTIONS,
    ],
    postsToConnections: true,
  },
  'log.unsubscribe': {
    uses: ['hostContainers.get', 'subscriptions.isSubscribed', 'subscriptions.removeUnlessResubscribed', ...STOP_IF_UNWATCHED, ...FORGET_CONNECTIONS],
    postsToConnections: true,
  },
  'log.fetch': { uses: ['buffer.range', ...FORGET_CONNECTIONS], postsToConnections: true },
  'inventory.get': { uses: ['agents.list', 'hostContainers.entries', ...FORGET_CONNECTIONS], postsToConnections: true },
  ping: { uses: FORGET_CONNECTIONS, postsToConnections: true },
};

/** The $connect authorizer: one credential by id (cached), nothing else. */
export const AUTHORIZER_ACCESS: RouteAccess = { uses: ['credentials.get'], postsToConnections: false };

/** The grants of a route's port methods, or undefined when it uses the table not at all. */
export function tableGrantsOf(access: RouteAccess): readonly TableGrant[] | undefined {
  const grants = [...new Set(access.uses)].flatMap((method): readonly TableGrant[] => PORT_METHODS[method]);
  return grants.length > 0 ? grants : undefined;
}

/** What a route may do with the batch bucket: write if it stores batches, read if it reads the buffer at all. */
export function batchBodyAccessOf(access: RouteAccess): BatchBodyAccess | undefined {
  if (access.uses.includes('buffer.put')) return 'readWrite';
  return access.uses.some((method) => method === 'buffer.newest' || method === 'buffer.range') ? 'read' : undefined;
}
