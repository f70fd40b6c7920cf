/** The $connect REQUEST authorizer: a token's credential becomes the connection's identity, or a Deny. */
import { AccessDenied, authorize } from '../domain/authorize';
import { policy, type AuthorizerHandler } from './authorizer-event';
import { identityContext } from './identity-context';
import { describeError } from './log-context';
import { authorizerDeps, type AuthorizerDepsResolver } from './runtime';

export function authorizerHandler(resolveDeps: AuthorizerDepsResolver): AuthorizerHandler {
  return async (event) => {
    const deps = resolveDeps();
    const query = event.queryStringParameters ?? {};
    const log = { connectionId: event.requestContext.connectionId, requestId: event.requestContext.requestId };
    // API Gateway answers 401 itself without the identity source; this only runs without it locally
    // or when the route is misconfigured. 'Unauthorized' is the message API Gateway maps to 401.
    if (!query.token) throw new Error('Unauthorized');
    try {
      const identity = await authorize(deps, { token: query.token, role: query.role });
      return policy(identity.credentialId, 'Allow', event.methodArn, identityContext(identity));
    } catch (error) {
      if (!(error instanceof AccessDenied)) {
        deps.logger.error('authorizer failed', { ...log, ...describeError(error) });
        throw error;
      }
      // The reason names the credential id at most, never the secret.
      deps.logger.warn('connection denied', { ...log, reason: error.message });
      return policy('denied', 'Deny', event.methodArn);
    }
  };
}

export const handler = authorizerHandler(authorizerDeps);
