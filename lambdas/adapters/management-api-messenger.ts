/** The Messenger over API Gateway's @connections API (PostToConnection). */
import { GoneException, PostToConnectionCommand, type ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import { encode, type CloudToAgent, type CloudToViewer } from '../../protocol';
import type { Delivery, Messenger } from '../domain/ports';

export class ManagementApiMessenger implements Messenger {
  constructor(private readonly client: ApiGatewayManagementApiClient) {}

  async send(connectionId: string, message: CloudToAgent | CloudToViewer): Promise<Delivery> {
    try {
      await this.client.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: encode(message) }));
      return 'sent';
    } catch (error) {
      if (isGone(error)) return 'gone';
      throw error;
    }
  }
}

/** 410 Gone: the connection is closed for good. The status is checked too, for emulators without error names. */
export function isGone(error: unknown): boolean {
  if (error instanceof GoneException) return true;
  const candidate = error as { name?: unknown; $metadata?: { httpStatusCode?: unknown } } | null;
  return candidate?.name === 'GoneException' || candidate?.$metadata?.httpStatusCode === 410;
}
