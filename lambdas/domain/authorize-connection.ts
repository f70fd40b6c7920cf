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
  readonly agentToken: string;
  readonly viewerToken: string;
}

export function authorizeConnection(credentials: Credentials, tokens: Tokens): Role {
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
