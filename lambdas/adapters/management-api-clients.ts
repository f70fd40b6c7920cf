/**
 * One @connections client per endpoint, created on first use and kept for the Lambda container's
 * life (keep-alive sockets and credentials are then reused across invocations).
 */
import { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import { DELIVERY_CONCURRENCY } from '../domain/deliver';
import { localClientOptions } from './local-client-options';
import { guardInvocationDeadline } from './local-invocation-deadline';

/**
 * The SDK's socket pool holds 50 by default: a broadcast's posts beyond that would queue for a
 * socket, and fan-out would run at 50 however wide delivery goes.
 */
const SOCKETS = { maxSockets: DELIVERY_CONCURRENCY };

export interface ManagementApiClientsOptions {
  readonly region?: string;
  /** A local emulator: dummy credentials instead of the environment's. */
  readonly local?: boolean;
}

export class ManagementApiClients {
  private readonly clients = new Map<string, ApiGatewayManagementApiClient>();

  constructor(private readonly options: ManagementApiClientsOptions = {}) {}

  /** e.g. `https://abc123.execute-api.eu-west-1.amazonaws.com/prod`, or the local gateway's URL. */
  clientFor(endpoint: string): ApiGatewayManagementApiClient {
    let client = this.clients.get(endpoint);
    if (!client) {
      client = new ApiGatewayManagementApiClient({
        ...(this.options.local ? localClientOptions(endpoint, this.options.region) : { endpoint, region: this.options.region }),
        requestHandler: { httpAgent: SOCKETS, httpsAgent: SOCKETS },
      });
      // Locally nothing stops a timed-out invocation; this makes its later posts fail as on AWS.
      if (this.options.local) guardInvocationDeadline(client);
      this.clients.set(endpoint, client);
    }
    return client;
  }

  destroy(): void {
    for (const client of this.clients.values()) client.destroy();
    this.clients.clear();
  }
}
