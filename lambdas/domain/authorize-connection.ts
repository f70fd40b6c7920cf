/**
 * Who may open a connection, decided from the `role` and `token` of the $connect query string.
 * Kept apart from `connect` so that a $connect authorizer can replace it without touching the rest.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { ROLES, type Role } from '../../protocol';

/** The handshake is refused with `statusCode` (docs/protocol.md: 400 bad role, 401 bad token). */
export class ConnectionRefused extends Error {
  override readonly name = 'ConnectionRefused';
  constructor(
    readonly statusCode: 400 | 401,
    message: string,
  ) {
    super(message);
  }
}

export interface Credentials {
  readonly role?: string;
  readonly token?: string;
}

export interface Tokens {
  /** Optional in the configuration (only $connect has them), so checked here. */
  readonly agentToken?: string;
  readonly viewerToken?: string;
}

/** A deployment fault, not the client's: $connect answers 500 and logs this. */
export class TokensNotConfigured extends Error {
  override readonly name = 'TokensNotConfigured';
  constructor(readonly missing: readonly string[]) {
    super(`cannot check connections: ${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not configured for the $connect function`);
  }
}

/** Throws TokensNotConfigured unless both tokens are set, whatever the request. */
export function requireTokens(tokens: Tokens): Required<Tokens> {
  const missing = [
    ...(tokens.agentToken ? [] : ['AGENT_TOKEN']),
    ...(tokens.viewerToken ? [] : ['VIEWER_TOKEN']),
  ];
  if (missing.length > 0) throw new TokensNotConfigured(missing);
  return tokens as Required<Tokens>;
}

export function authorizeConnection(credentials: Credentials, configured: Tokens): Role {
  // Fails fast, before any request is judged: a refusal would hide the misconfiguration as 401s.
  const tokens = requireTokens(configured);
  const { role, token } = credentials;
  if (!role) throw new ConnectionRefused(400, 'role is missing: connect with ?role=agent|viewer&token=…');
  if (!isRole(role)) throw new ConnectionRefused(400, `role ${JSON.stringify(role)} is not one of ${ROLES.join(', ')}`);
  if (!token) throw new ConnectionRefused(401, 'token is missing');
  const expected = role === 'agent' ? tokens.agentToken : tokens.viewerToken;
  if (!tokensEqual(token, expected)) throw new ConnectionRefused(401, `wrong token for role ${role}`);
  return role;
}

function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/**
 * Constant-time, so response timing leaks nothing about the token. Hashing first gives both
 * sides the same length, which timingSafeEqual requires, without revealing the real length.
 */
function tokensEqual(given: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}
