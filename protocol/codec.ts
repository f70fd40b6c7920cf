/**
 * Turning frames into typed messages and back. Decoding never throws: bad input becomes a
 * ProtocolError carrying the `error` code and human text to send back to the client.
 */
import type * as z from 'zod/mini';
import { MAX_MESSAGE_BYTES } from './limits';
import type { ErrorCode, ErrorMessage } from './messages';
import { ROUTES, type ClientAction, type ClientMessage } from './routes';

export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** The action of the rejected message, when it could be read. */
    readonly requestAction?: string,
  ) {
    super(message);
  }

  toMessage(): ErrorMessage {
    return errorMessage(this.code, this.message, this.requestAction);
  }
}

export type Decoded<T> = { ok: true; value: T } | { ok: false; error: ProtocolError };

const encoder = new TextEncoder();

export function byteLength(text: string): number {
  // Buffer is faster on Node, TextEncoder works in the browser too.
  return typeof Buffer !== 'undefined' ? Buffer.byteLength(text, 'utf8') : encoder.encode(text).length;
}

export function encode<M extends { action: string }>(message: M): string {
  return JSON.stringify(message);
}

export function errorMessage(code: ErrorCode, message: string, requestAction?: string): ErrorMessage {
  return requestAction === undefined
    ? { action: 'error', code, message }
    : { action: 'error', code, message, requestAction };
}

/** The `action` of a frame, when it is a JSON object with a string action. */
export function readAction(body: string): string | undefined {
  try {
    const value: unknown = JSON.parse(body);
    if (value && typeof value === 'object' && typeof (value as { action?: unknown }).action === 'string') {
      return (value as { action: string }).action;
    }
  } catch {
    // not JSON: no action
  }
  return undefined;
}

/** Validates one frame against a schema: size, then JSON, then shape. */
export function decode<S extends z.ZodMiniType>(schema: S, body: string | undefined | null): Decoded<z.infer<S>> {
  if (body == null || body === '') return fail('malformed', 'empty message: expected a JSON object with an "action"');
  if (byteLength(body) > MAX_MESSAGE_BYTES) {
    return fail('too_large', `message is ${byteLength(body)} bytes; the limit is ${MAX_MESSAGE_BYTES}`, readAction(body));
  }
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (err) {
    return fail('malformed', `not JSON: ${(err as Error).message}`);
  }
  const action =
    json && typeof json === 'object' && typeof (json as { action?: unknown }).action === 'string'
      ? (json as { action: string }).action
      : undefined;
  const result = schema.safeParse(json);
  if (!result.success) return fail('malformed', describeIssues(result.error), action);
  return { ok: true, value: result.data };
}

/** Decodes a client → cloud message for the route it arrived on. */
export function decodeClientMessage<A extends ClientAction>(action: A, body: string | undefined | null): Decoded<ClientMessage<A>> {
  return decode(ROUTES[action].schema, body) as Decoded<ClientMessage<A>>;
}

function fail(code: ErrorCode, message: string, requestAction?: string): { ok: false; error: ProtocolError } {
  return { ok: false, error: new ProtocolError(code, message, requestAction) };
}

/** "lines.0.seq: expected number, received string; …" — the first few problems, for humans. */
function describeIssues(error: z.core.$ZodError): string {
  const shown = error.issues.slice(0, 3).map((issue) => {
    const path = issue.path.map(String).join('.');
    return path ? `${path}: ${issue.message}` : issue.message;
  });
  const more = error.issues.length - shown.length;
  return `invalid message: ${shown.join('; ')}${more > 0 ? `; and ${more} more` : ''}`;
}
