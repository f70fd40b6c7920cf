import { beforeEach, describe, expect, it } from 'vitest';
import { mintCredential } from '../../../lambdas/domain/mint-credential';
import type { AuthorizerEvent } from '../../../lambdas/handlers/authorizer-event';
import { authorizerHandler } from '../../../lambdas/handlers/authorize';
import { createWorld, type World } from '../domain/in-memory-deps';
import { connectEvent } from './events';

const METHOD_ARN = 'arn:aws:execute-api:eu-west-1:123456789012:abc123/prod/$connect';

function authorizerEvent(query?: Record<string, string>): AuthorizerEvent {
  const { requestContext } = connectEvent('conn-1');
  return { type: 'REQUEST', methodArn: METHOD_ARN, headers: {}, requestContext, ...(query ? { queryStringParameters: query } : {}) };
}

describe('$connect authorizer', () => {
  let world: World;
  let agentToken: string;
  let credentialId: string;
  beforeEach(async () => {
    world = createWorld();
    const minted = await mintCredential(world, { role: 'agent', agentId: 'build-box-1' });
    [agentToken, credentialId] = [minted.token, minted.credential.credentialId];
  });
  const authorize = (query?: Record<string, string>) => authorizerHandler(() => world)(authorizerEvent(query));

  it('allows $connect with the credential id as principal and role, credential and agent id as context', async () => {
    expect(await authorize({ role: 'agent', token: agentToken })).toEqual({
      principalId: credentialId,
      policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: METHOD_ARN }] },
      context: { role: 'agent', credentialId, agentId: 'build-box-1' },
    });
  });

  it('denies a wrong token with a Deny policy (API Gateway answers 403) and logs why without the token', async () => {
    const wrong = `${credentialId}.${'W'.repeat(43)}`;

    const result = await authorize({ token: wrong });

    expect(result.policyDocument.Statement).toEqual([{ Action: 'execute-api:Invoke', Effect: 'Deny', Resource: METHOD_ARN }]);
    expect(result.context).toBeUndefined();
    expect(JSON.stringify(world.logger.entries)).not.toContain('WWWW');
    expect(world.logger.entries).toEqual([expect.objectContaining({ level: 'warn', message: 'connection denied' })]);
  });

  it("throws 'Unauthorized' (API Gateway: 401) without a token", async () => {
    await expect(authorize()).rejects.toThrow('Unauthorized');
    await expect(authorize({ role: 'agent' })).rejects.toThrow('Unauthorized');
  });

  it('fails (API Gateway: 500), and logs, when the credentials cannot be read', async () => {
    world.credentials.get = async () => {
      throw new Error('throttled');
    };

    await expect(authorize({ token: agentToken })).rejects.toThrow('throttled');
    expect(world.logger.entries).toEqual([expect.objectContaining({ level: 'error' })]);
  });
});
