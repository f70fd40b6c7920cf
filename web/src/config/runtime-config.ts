/**
 * /config.json: where the dashboard finds the WebSocket API. The local static server and
 * CloudFront both serve `{ "wsUrl": "wss://…" }` next to index.html.
 */
import * as z from 'zod/mini';

export const RuntimeConfig = z.object({
  wsUrl: z.string().check(z.regex(/^wss?:\/\/[^\s]+$/, 'must be a ws:// or wss:// URL')),
});
export type RuntimeConfig = z.infer<typeof RuntimeConfig>;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export function parseRuntimeConfig(json: unknown): RuntimeConfig {
  const result = RuntimeConfig.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
    throw new ConfigError(`config.json is invalid: ${where}${issue?.message ?? 'unexpected shape'}`);
  }
  return result.data;
}

/** Fetches and validates the config; every failure becomes a ConfigError with a readable message. */
export async function loadRuntimeConfig(
  fetchFn: (url: string, init?: { cache?: 'no-store' }) => Promise<{ ok: boolean; status: number; json(): Promise<unknown> }>,
  url = 'config.json',
): Promise<RuntimeConfig> {
  let response;
  try {
    response = await fetchFn(url, { cache: 'no-store' });
  } catch (err) {
    throw new ConfigError(`could not fetch ${url}: ${(err as Error).message}`);
  }
  if (!response.ok) throw new ConfigError(`could not fetch ${url}: HTTP ${response.status}`);
  let json: unknown;
  try {
    json = await response.json();
  } catch {
    throw new ConfigError(`${url} is not JSON`);
  }
  return parseRuntimeConfig(json);
}

/** The viewer's WebSocket URL: role and token ride in the query string, checked at $connect. */
export function viewerSocketUrl(wsUrl: string, token: string): string {
  const separator = wsUrl.includes('?') ? '&' : '?';
  return `${wsUrl}${separator}role=viewer&token=${encodeURIComponent(token)}`;
}
