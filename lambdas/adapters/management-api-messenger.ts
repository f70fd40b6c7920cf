/** The Messenger over API Gateway's @connections API (PostToConnection). */
import { GoneException, PostToConnectionCommand, type ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import { encode } from '../../protocol';
import { EncodedMessage } from '../domain/encoded-message';
import type { Delivery, Messenger, Outgoing } from '../domain/ports';

export class ManagementApiMessenger implements Messenger {
  constructor(private readonly client: ApiGatewayManagementApiClient) {}

  async send(connectionId: string, message: Outgoing): Promise<Delivery> {
    // A broadcast arrives encoded already: post its text as is.
    const data = message instanceof EncodedMessage ? message.text : encode(message);
    try {
      await this.client.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: data }));
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
