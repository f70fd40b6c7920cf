import type { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import { describe, expect, it } from 'vitest';
import { ManagementApiMessenger } from '../../../lambdas/adapters/management-api-messenger';
import { PostFailure } from '../../../lambdas/domain/post-failure';

/** A client whose every send fails the way the SDK reports an HTTP status. */
function failingWith(status: number | undefined, name = 'ServiceException'): ApiGatewayManagementApiClient {
  const error = Object.assign(new Error(`status ${status}`), { name, $metadata: status === undefined ? {} : { httpStatusCode: status } });
  return { send: () => Promise.reject(error) } as unknown as ApiGatewayManagementApiClient;
}

describe('ManagementApiMessenger', () => {
  it('reports a 410 as gone', async () => {
    expect(await new ManagementApiMessenger(failingWith(410, 'GoneException')).send('c', { action: 'pong' })).toBe('gone');
  });

  it.each([
    ['throttled (429)', 429, true],
    ['a server fault (500)', 500, true],
    ['unavailable (503)', 503, true],
    ['a network fault (no status)', undefined, true],
    ['forbidden (403)', 403, false],
    ['a payload too large (413)', 413, false],
  ])('throws a PostFailure for %s that says whether a retry can help', async (_name, status, retryable) => {
    const sending = new ManagementApiMessenger(failingWith(status)).send('c', { action: 'pong' });

    await expect(sending).rejects.toBeInstanceOf(PostFailure);
    await expect(sending).rejects.toMatchObject({ retryable });
  });
});
