/** Closing a live connection through API Gateway's @connections API (DeleteConnection). */
import { DeleteConnectionCommand, type ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import type { ConnectionCloser } from '../domain/revoke-credential';
import { isGone } from './management-api-messenger';

export class ManagementApiCloser implements ConnectionCloser {
  constructor(private readonly client: ApiGatewayManagementApiClient) {}

  async close(connectionId: string): Promise<'closed' | 'gone'> {
    try {
      await this.client.send(new DeleteConnectionCommand({ ConnectionId: connectionId }));
      return 'closed';
    } catch (error) {
      if (isGone(error)) return 'gone';
      throw error;
    }
  }
}
