/**
 * What the cloud checks of a batch's packed lines before storing them: they inflate within
 * MAX_BATCH_BODY_BYTES (a deflate bomb is refused, never expanded), they are a valid packed body
 * of the protocol's lines, and they number exactly the seqs the message claims. The bytes are then
 * stored as they came; the inflated body is used only for its digest (the identical-batch rule:
 * the same lines always pack to the same body, however the agent compressed them).
 */
import { createHash } from 'node:crypto';
import { MAX_BATCH_LINES, MAX_PACKED_BYTES, ProtocolError, unpackLines, type LogLine } from '../../protocol';
import { inflateBody } from '../../protocol/packed-zlib';

export interface CheckedBatch {
  /** SHA-256 of the inflated body, base64. */
  readonly digest: string;
  readonly lines: LogLine[];
}

/** The batch's lines and digest; a ProtocolError naming what is wrong otherwise (too_large or malformed). */
export function checkPackedBatch(claimed: { readonly firstSeq: number; readonly lastSeq: number }, bytes: Uint8Array): CheckedBatch {
  const { firstSeq, lastSeq } = claimed;
  const name = `batch ${firstSeq}–${lastSeq}`;
  if (bytes.length > MAX_PACKED_BYTES) {
    throw new ProtocolError('too_large', `${name} is ${bytes.length} compressed bytes; the limit is ${MAX_PACKED_BYTES}`);
  }
  const inflated = inflateBody(bytes);
  if (!inflated.ok) {
    const tooLarge = inflated.reason.startsWith('packed lines inflate past');
    throw new ProtocolError(tooLarge ? 'too_large' : 'malformed', `${name}: ${inflated.reason}`);
  }
  const unpacked = unpackLines(inflated.body);
  if (!unpacked.ok) throw new ProtocolError('malformed', `${name}: ${unpacked.reason}`);
  const { lines } = unpacked;
  if (lines.length > MAX_BATCH_LINES) throw new ProtocolError('too_large', `${name} holds ${lines.length} lines; the limit is ${MAX_BATCH_LINES}`);
  const bodyFirst = lines[0]!.seq;
  const bodyLast = lines[lines.length - 1]!.seq;
  // The seqs are what the buffer's keys and every conflict check rest on: the message's must be the body's.
  if (bodyFirst !== firstSeq || bodyLast !== lastSeq) {
    throw new ProtocolError('malformed', `${name}: its packed lines are seqs ${bodyFirst}–${bodyLast}; firstSeq and lastSeq must be the body's`);
  }
  return { digest: createHash('sha256').update(inflated.body).digest('base64'), lines };
}
