/**
 * A packed batch's lines in the browser: base64 → the compressed bytes → inflated with the
 * browser's own DecompressionStream('deflate-raw') → the protocol's `unpackLines` (validated).
 *
 * Inflating is bounded (MAX_BATCH_BODY_BYTES): deflate can inflate a thousandfold, and a
 * DecompressionStream turns each chunk written into all of its output at once. So the compressed
 * bytes go in small slices, each only after the output so far was read, and reading stops (the
 * stream cancelled) as soon as the output passes the bound: at most one slice's output beyond it
 * is ever held. Every failure is a result with a reason, never an exception.
 */
import { MAX_BATCH_BODY_BYTES, MAX_PACKED_BYTES, unpackLines, type LogLine } from '../../../protocol';

export type Inflated = { ok: true; body: string } | { ok: false; reason: string };
export type PackedLines = { ok: true; lines: LogLine[] } | { ok: false; reason: string };

/** Bytes in memory of their own (not a view of a shared buffer): what DecompressionStream takes. */
type Bytes = Uint8Array<ArrayBuffer>;

/** Compressed bytes written per step: deflate's worst ratio (~1032:1) makes this ≤ 1 MB of output. */
const INPUT_SLICE_BYTES = 1024;

/** The bytes of base64 text: atob's binary string copied into one array (linear, no string building). */
export function base64Bytes(data: string): Bytes {
  const binary = atob(data);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** The compressed body of a batch: its `data`, or its parts' `data` in part order, each decoded and joined. */
export function joinedBytes(pieces: readonly string[]): { ok: true; bytes: Bytes } | { ok: false; reason: string } {
  const decoded: Bytes[] = [];
  let total = 0;
  for (const piece of pieces) {
    let bytes: Bytes;
    try {
      bytes = base64Bytes(piece);
    } catch {
      return { ok: false, reason: 'packed lines are not base64' };
    }
    total += bytes.byteLength;
    if (total > MAX_PACKED_BYTES) return { ok: false, reason: `packed lines are over ${MAX_PACKED_BYTES} compressed bytes` };
    decoded.push(bytes);
  }
  return { ok: true, bytes: concat(decoded, total) };
}

/** The body text of deflate-raw bytes, or a reason when they are not deflate-raw or inflate past `limit`. */
export async function inflateRaw(bytes: Bytes, limit = MAX_BATCH_BODY_BYTES): Promise<Inflated> {
  const stream = new DecompressionStream('deflate-raw');
  const writer = stream.writable.getWriter();
  const reader = stream.readable.getReader();
  let stopped = false;
  // The writes wait for the reads (the stream's backpressure): a slice goes in only once the
  // output of the one before was taken. A refused input fails the writes and the read alike.
  const feeding = (async () => {
    for (let offset = 0; offset < bytes.byteLength && !stopped; offset += INPUT_SLICE_BYTES) {
      await writer.write(bytes.subarray(offset, offset + INPUT_SLICE_BYTES));
    }
    if (!stopped) await writer.close();
  })();
  feeding.catch(() => {});

  const chunks: Bytes[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      const chunk = value as Bytes;
      total += chunk.byteLength;
      if (total > limit) {
        stopped = true;
        await reader.cancel().catch(() => {});
        return { ok: false, reason: `packed lines inflate past ${limit} bytes` };
      }
      chunks.push(chunk);
    }
  } catch (error) {
    stopped = true;
    return { ok: false, reason: `packed lines are not deflate-raw: ${(error as Error).message}` };
  }
  return { ok: true, body: new TextDecoder().decode(concat(chunks, total)) };
}

/**
 * The lines of one packed batch (`pieces`: its data, or its parts' data in order), checked to be
 * exactly the seqs it announces.
 */
export async function inflatePackedLines(pieces: readonly string[], seqs: { readonly firstSeq: number; readonly lastSeq: number }): Promise<PackedLines> {
  const joined = joinedBytes(pieces);
  if (!joined.ok) return joined;
  const inflated = await inflateRaw(joined.bytes);
  if (!inflated.ok) return inflated;
  const unpacked = unpackLines(inflated.body);
  if (!unpacked.ok) return unpacked;
  const { lines } = unpacked;
  const first = lines[0]?.seq;
  const last = lines[lines.length - 1]?.seq;
  if (first !== seqs.firstSeq || last !== seqs.lastSeq) {
    return { ok: false, reason: `packed lines hold seqs ${first}–${last}, but the batch says ${seqs.firstSeq}–${seqs.lastSeq}` };
  }
  return { ok: true, lines };
}

function concat(chunks: readonly Bytes[], total: number): Bytes {
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}
