/** Identifiers shaped like API Gateway's own, so nothing downstream depends on a local format. */
import { randomBytes } from 'node:crypto';

/**
 * Connection, request and message ids look like "L0SM9cOFvHcCIhw=": 11 bytes in the URL-safe
 * base64 alphabet plus one "=" of padding (AWS ids contain "-" and "_", never "+" or "/").
 */
export function newGatewayId(): string {
  return `${randomBytes(11).toString('base64url')}=`;
}

const API_ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** An API id is ten lowercase letters and digits, e.g. "abcdef1234". */
export function newApiId(): string {
  return Array.from(randomBytes(10), (byte) => API_ID_ALPHABET[byte % API_ID_ALPHABET.length]).join('');
}
