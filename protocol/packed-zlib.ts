/**
 * Packed lines on Node (the agent, the Lambdas, tests): compress a batch's lines once, inflate
 * them never past MAX_BATCH_BODY_BYTES. Not exported from protocol/index.ts: the dashboard inflates
 * with the browser's DecompressionStream instead (web/src/api/), and must not bundle node:zlib.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { MAX_BATCH_BODY_BYTES } from './limits';
import type { LogLine } from './messages';
import { packLines, unpackLines, type Unpacked } from './packed-lines';

/** What a batch's lines become on the wire: their seqs and the compressed body, base64. */
export interface PackedLines {
  readonly firstSeq: number;
  readonly lastSeq: number;
  readonly data: string;
}

/** Log text is repetitive: level 6 gets nearly all of level 9's ratio at a fraction of its CPU. */
const LEVEL = 6;

export function compressLines(lines: readonly LogLine[]): PackedLines {
  const body = packLines(lines);
  return {
    firstSeq: lines[0]!.seq,
    lastSeq: lines[lines.length - 1]!.seq,
    data: deflateRawSync(body, { level: LEVEL }).toString('base64'),
  };
}

/** The compressed bytes of a packed body (what the buffer stores), from `data` or the joined parts' data. */
export function packedBytes(data: string): Buffer {
  return Buffer.from(data, 'base64');
}

/** The body text, or a reason when the bytes are not deflate-raw or inflate past the bound. */
export function inflateBody(bytes: Uint8Array): { ok: true; body: string } | { ok: false; reason: string } {
  try {
    const { buffer, engine } = inflateRawSync(bytes, { maxOutputLength: MAX_BATCH_BODY_BYTES, info: true }) as unknown as { buffer: Buffer; engine: { bytesWritten: number } };
    // zlib stops at the final block and ignores what follows; a browser's DecompressionStream refuses it.
    if (engine.bytesWritten !== bytes.length) return { ok: false, reason: `packed lines have ${bytes.length - engine.bytesWritten} bytes after the deflate stream` };
    return { ok: true, body: buffer.toString('utf8') };
  } catch (error) {
    const tooLarge = error instanceof RangeError || (error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE';
    return { ok: false, reason: tooLarge ? `packed lines inflate past ${MAX_BATCH_BODY_BYTES} bytes` : `packed lines are not deflate-raw: ${(error as Error).message}` };
  }
}

/** The lines of compressed packed bytes, validated (inflating is bounded). */
export function decompressLines(bytes: Uint8Array): Unpacked {
  const inflated = inflateBody(bytes);
  return inflated.ok ? unpackLines(inflated.body) : inflated;
}
