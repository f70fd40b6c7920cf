/**
 * The domain's Deps over the real DynamoDB adapters on a dynalite table, with a messenger that
 * records what it posts and can be told which connections are gone — for specs that run domain
 * functions against the real conditional writes.
 */
import { DynamoAgents } from '../../../lambdas/adapters/dynamo-agents';
import { DynamoHostContainers } from '../../../lambdas/adapters/dynamo-host-containers';
import { DynamoConnections } from '../../../lambdas/adapters/dynamo-connections';
import { DynamoCredentials } from '../../../lambdas/adapters/dynamo-credentials';
import { DynamoLogBuffer } from '../../../lambdas/adapters/dynamo-log-buffer';
import { DynamoSubscriptions } from '../../../lambdas/adapters/dynamo-subscriptions';
import { EncodedMessage } from '../../../lambdas/domain/encoded-message';
import type { Deps, Outgoing } from '../../../lambdas/domain/ports';
import type { CloudToAgent, CloudToViewer, ContainerRef } from '../../../protocol';
import type { LocalTable } from './local-table';

export interface TableDeps extends Deps {
  /** Every message posted, decoded, in order. */
  readonly sent: { connectionId: string; message: CloudToAgent | CloudToViewer }[];
  /** Connections whose posts answer 'gone' (410). */
  readonly gone: Set<string>;
  /** The actions posted to one connection, in order. */
  actionsTo(connectionId: string): string[];
}

export function tableDeps(table: LocalTable): TableDeps {
  const sent: TableDeps['sent'] = [];
  const gone = new Set<string>();
  const decoded = (message: Outgoing): CloudToAgent | CloudToViewer =>
    message instanceof EncodedMessage ? (JSON.parse(message.text) as CloudToAgent | CloudToViewer) : message;
  return {
    connections: new DynamoConnections(table),
    credentials: new DynamoCredentials(table),
    subscriptions: new DynamoSubscriptions(table),
    agents: new DynamoAgents(table),
    hostContainers: new DynamoHostContainers(table),
    buffer: new DynamoLogBuffer(table, 60),
    messenger: {
      send: async (connectionId, message) => {
        if (gone.has(connectionId)) return 'gone';
        sent.push({ connectionId, message: decoded(message) });
        return 'sent';
      },
    },
    clock: table.clock,
    logger: { warn: () => {}, error: () => {} },
    settings: { bufferLines: 1000 },
    sent,
    gone,
    actionsTo: (connectionId) => sent.filter((s) => s.connectionId === connectionId).map((s) => s.message.action),
  };
}

/** A host online on `connectionId` whose inventory holds `container` (by its full id). */
export async function addHost(deps: Deps, container: ContainerRef, connectionId: string, updatedAt: string): Promise<void> {
  await deps.agents.put({ agentId: container.agentId, hostName: 'h', agentVersion: '1', connectionId, online: true, updatedAt });
  await deps.hostContainers.apply(container.agentId, {
    observedAt: 0,
    upsert: [{ id: container.containerId, name: 'api', image: 'i', state: 'running', status: 'Up', createdAt: 1, tty: false }],
    remove: [],
  });
}
