/**
 * API Gateway's own error frames: what a client gets when API Gateway, not our Lambda, answers a
 * message, e.g.
 *   {"message": "Too Many Requests", "connectionId":"XDmENcnwIE0CFEQ=", "requestId":"XDmGEE2RoE0FRdQ="}
 * They are not our protocol (no `action`) and name neither the action nor the message refused,
 * so the agent cannot tell which of the messages it has in flight was lost — only that one was.
 * Decoded here and nowhere else.
 */

export interface GatewayErrorFrame {
  /** API Gateway's text, e.g. "Too Many Requests". */
  readonly message: string;
  /**
   * True when the refusal is passing — a throttle, a failed or timed-out invocation — so the same
   * message sent again can succeed. False for e.g. "Forbidden" (no route), which it would get again.
   */
  readonly transient: boolean;
}

/**
 * Throttling ("Too Many Requests": the route's or the account's bucket was empty; the message
 * reached no Lambda), and an integration that threw or crashed ("Internal server error") or did
 * not answer within 29 s ("Endpoint request timed out").
 */
const TRANSIENT = new Set(['Too Many Requests', 'Internal server error', 'Endpoint request timed out']);

/** The frame as API Gateway's own error — a JSON object with a `message` string and no `action` — else undefined. */
export function decodeGatewayErrorFrame(text: string): GatewayErrorFrame | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const fields = value as Record<string, unknown>;
  if ('action' in fields || typeof fields.message !== 'string') return undefined;
  return { message: fields.message, transient: TRANSIENT.has(fields.message) };
}
