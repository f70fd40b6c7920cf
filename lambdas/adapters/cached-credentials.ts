/**
 * Credential look-ups remembered for a short window, for the $connect authorizer: a reconnect storm
 * of many agents then costs one read per credential per window, not one per handshake.
 *
 * What the window means for revocation: for up to CREDENTIAL_CACHE_MS after a revoke, a warm
 * authorizer may still allow that credential. The $connect handler reads the credential again,
 * uncached, after recording the connection, and refuses it (403) if it is revoked (see
 * domain/connect.ts), so no connection outlives a revoke; the cache only saves reads.
 */
import type { Clock, Credential, Credentials } from '../domain/ports';

export const CREDENTIAL_CACHE_MS = 30_000;
/**
 * A miss is remembered only briefly: long enough to absorb a flood of made-up ids (the stage's
 * $connect throttle bounds the rest), short enough that a credential minted just now works at once.
 */
export const CREDENTIAL_MISS_CACHE_MS = 1_000;
/** Bounds the memory a flood of made-up credential ids can take. */
const MAX_ENTRIES = 1_000;

export class CachedCredentials implements Pick<Credentials, 'get'> {
  private readonly entries = new Map<string, { readonly credential: Credential | undefined; readonly until: number }>();

  constructor(
    private readonly credentials: Pick<Credentials, 'get'>,
    private readonly clock: Clock,
    private readonly ttlMs = CREDENTIAL_CACHE_MS,
  ) {}

  async get(credentialId: string): Promise<Credential | undefined> {
    const now = this.clock.now();
    const cached = this.entries.get(credentialId);
    if (cached && cached.until > now) return cached.credential;
    const credential = await this.credentials.get(credentialId);
    this.entries.delete(credentialId);
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(credentialId, { credential, until: now + (credential ? this.ttlMs : Math.min(this.ttlMs, CREDENTIAL_MISS_CACHE_MS)) });
    return credential;
  }
}
