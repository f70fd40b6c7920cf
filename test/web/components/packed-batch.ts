/**
 * A batch of lines as the cloud sends it, packed in the browser's own way (CompressionStream
 * 'deflate-raw', the counterpart of the dashboard's DecompressionStream): the component specs are
 * checked as dashboard code, without Node's zlib (protocol/packed-zlib.ts).
 */
import { packLines } from '../../../protocol/packed-lines';
import type { LogLine } from '../../../protocol';

export async function packedBatch(lines: readonly LogLine[]): Promise<{ firstSeq: number; lastSeq: number; data: string }> {
  const stream = new Response(packLines(lines)).body!.pipeThrough(new CompressionStream('deflate-raw'));
  const bytes = new Uint8Array(await new Response(stream).arrayBuffer());
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return { firstSeq: lines[0]!.seq, lastSeq: lines[lines.length - 1]!.seq, data: btoa(binary) };
}
