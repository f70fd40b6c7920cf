/**
 * The baseline: the least work any agent must do on the same bytes — walk the 8-byte frame
 * headers, decode the payload as UTF-8, split it into lines and serialize them as JSON. No
 * timestamps, partials, truncation, resume or seq: whatever the real pipeline costs beyond this
 * is the price of its correctness.
 */
const HEADER_BYTES = 8;
/** Decode in windows about the size of a socket read, as a streaming implementation would. */
const WINDOW_BYTES = 64 * 1024;

export interface MinimalDemuxOutput {
  readonly lines: number;
  readonly jsonChars: number;
}

export function runMinimalDemux(bytes: Buffer, afterWindow?: () => void): MinimalDemuxOutput {
  let lines = 0;
  let jsonChars = 0;
  let payloads: Buffer[] = [];
  let payloadBytes = 0;
  const flush = (): void => {
    const split = Buffer.concat(payloads, payloadBytes).toString('utf8').split('\n');
    lines += split.length - 1;
    jsonChars += JSON.stringify(split).length;
    payloads = [];
    payloadBytes = 0;
    afterWindow?.();
  };
  for (let offset = 0; offset + HEADER_BYTES <= bytes.length; ) {
    const length = bytes.readUInt32BE(offset + 4);
    payloads.push(bytes.subarray(offset + HEADER_BYTES, offset + HEADER_BYTES + length));
    payloadBytes += length;
    offset += HEADER_BYTES + length;
    if (payloadBytes >= WINDOW_BYTES) flush();
  }
  flush();
  return { lines, jsonChars };
}
