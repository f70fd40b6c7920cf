/**
 * The token a client presents at $connect: `<credentialId>.<secret>`, printable and URL-safe (it
 * rides in a query string and a URL fragment unescaped). The id names the stored credential; only a
 * hash of the secret is stored, so a leaked table leaks no token.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export interface CredentialToken {
  readonly credentialId: string;
  readonly secret: string;
}

/** Minted ids are 16 hex digits; imported ones (a fixed local token) may use the URL-safe alphabet. */
const TOKEN = /^([A-Za-z0-9_-]{8,64})\.([A-Za-z0-9_-]{32,128})$/;

/** 8 random bytes of id, 32 of secret (256 bits: a hash without salt or stretching is then enough). */
export function newCredentialToken(): CredentialToken {
  return { credentialId: randomBytes(8).toString('hex'), secret: randomBytes(32).toString('base64url') };
}

export function formatToken(token: CredentialToken): string {
  return `${token.credentialId}.${token.secret}`;
}

/** Undefined for anything that is not a token's shape. */
export function parseToken(text: string): CredentialToken | undefined {
  const match = TOKEN.exec(text);
  return match ? { credentialId: match[1]!, secret: match[2]! } : undefined;
}

/** SHA-256, hex: what the table stores instead of the secret. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Constant-time: how long the comparison takes says nothing about how much of the secret matched. */
export function secretMatches(secret: string, storedHash: string): boolean {
  const given = Buffer.from(hashSecret(secret), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return stored.length === given.length && timingSafeEqual(given, stored);
}
