/** The Messenger over API Gateway's @connections API (PostToConnection). */
import { GoneException, PostToConnectionCommand, type ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import { encode } from '../../protocol';
import { EncodedMessage } from '../domain/encoded-message';
import { PostFailure } from '../domain/post-failure';
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
      // The SDK has retried throttling and 5xx already; delivery may try again, but not a refusal
      // (403, 413…) that the same request would meet again.
      throw new PostFailure(`PostToConnection failed: ${describe(error)}`, isRetryable(error), { cause: error });
    }
  }
}

/** 429 (throttled), 5xx, or no HTTP answer at all (a network fault). */
export function isRetryable(error: unknown): boolean {
  const status = (error as { $metadata?: { httpStatusCode?: unknown } } | null)?.$metadata?.httpStatusCode;
  return typeof status !== 'number' || status === 429 || status >= 500;
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** 410 Gone: the connection is closed for good. The status is checked too, for emulators without error names. */
export function isGone(error: unknown): boolean {
  if (error instanceof GoneException) return true;
  const candidate = error as { name?: unknown; $metadata?: { httpStatusCode?: unknown } } | null;
  return candidate?.name === 'GoneException' || candidate?.$metadata?.httpStatusCode === 410;
}
