/**
 * Size and count limits shared by every side of the wire.
 *
 * The AWS numbers are API Gateway WebSocket quotas; the rest are Sidetail's own choices,
 * sized so that any message we build stays under the AWS ones with room for its envelope.
 */

/** API Gateway rejects a WebSocket message (all frames together) above 128 KB. */
export const MAX_MESSAGE_BYTES = 128 * 1024;

/** API Gateway rejects a single WebSocket frame above 32 KB: larger messages must be fragmented. */
export const MAX_FRAME_BYTES = 32 * 1024;

/**
 * A `log.batch` message, serialized, is at most this (the agent builds it so; the cloud refuses a
 * larger one). Kept well under MAX_MESSAGE_BYTES because the cloud re-wraps it (adding agentId)
 * to broadcast it.
 */
export const MAX_BATCH_BYTES = 96 * 1024;

/**
 * A batch's lines, packed and compressed (protocol/packed-lines.ts), are at most this many bytes in
 * all: a stored batch is one DynamoDB item, and an item holds at most 400 KB. A batch whose
 * compressed lines do not fit one message travels in parts (at most MAX_BATCH_PARTS).
 */
export const MAX_PACKED_BYTES = 320 * 1024;

/** Parts of one batch at most: MAX_PACKED_BYTES, base64-encoded, in messages of MAX_BATCH_BYTES. */
export const MAX_BATCH_PARTS = 5;

/**
 * Inflating a batch's compressed lines stops here: a batch that inflates past it is refused, never
 * expanded without limit (deflate can inflate a thousandfold).
 */
export const MAX_BATCH_BODY_BYTES = 2 * 1024 * 1024;

/** The most lines one batch may carry. */
export const MAX_BATCH_LINES = 10_000;

/**
 * The longest line kept whole (UTF-8 bytes of its text): the agent's cap (`--max-line-bytes`)
 * defaults to it and may be set lower. A longer line is cut and flagged `truncated`, with its
 * original size. Docker splits lines at 16 KB; the agent joins them again.
 */
export const MAX_LINE_BYTES = 256 * 1024;

/**
 * An agent's container list, serialized, stays under this (the agent leaves out the oldest stopped
 * containers), so that `agent.register`, and a host in `inventory`, fit MAX_MESSAGE_BYTES; so do
 * the upserts of one `agent.inventory` and the `host.containers` that relays them.
 */
export const MAX_INVENTORY_BYTES = 120 * 1024;

/** The most seqs one log.fetch may ask for (a gap longer than the buffer cannot be filled anyway). */
export const MAX_FETCH_LINES = 1000;

/** The cloud keeps this many newest lines per container unless configured otherwise. */
export const DEFAULT_BUFFER_LINES = 1000;

/** Ids are used inside DynamoDB keys, so they must never contain the key separator `#`. */
export const MAX_ID_LENGTH = 128;

/**
 * One viewer connection watches at most this many containers at once (a dashboard shows one or
 * a few); above it `log.subscribe` is refused with `limit_exceeded`.
 */
export const MAX_SUBSCRIPTIONS_PER_CONNECTION = 50;

/**
 * One container has at most this many subscribers at once: every batch is posted to each, so this
 * bounds the fan-out of one batch. Above it `log.subscribe` is refused with `limit_exceeded`.
 */
export const MAX_SUBSCRIBERS_PER_CONTAINER = 1000;
