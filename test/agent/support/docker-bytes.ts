/** Bytes exactly as Docker's logs endpoint sends them, for feeding the agent's pipeline in tests. */

const STREAM_TYPES = { stdin: 0, stdout: 1, stderr: 2, system: 3 } as const;

/** One multiplexed frame: [type, 0, 0, 0, uint32 BE length] + payload. */
export function muxFrame(stream: keyof typeof STREAM_TYPES | number, payload: string | Buffer): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
  const header = Buffer.alloc(8);
  header[0] = typeof stream === 'number' ? stream : STREAM_TYPES[stream];
  header.writeUInt32BE(body.length, 4);
  return Buffer.concat([header, body]);
}

/** A log entry with Docker's `timestamps=1` prefix. */
export function entry(ts: string, text: string | Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${ts} `, 'latin1'), typeof text === 'string' ? Buffer.from(text, 'utf8') : text]);
}

/** Distinct timestamps in Docker's format: ts(1) = …00.000000001Z, ts(2) = …00.000000002Z, … */
export function ts(n: number, second = 0): string {
  return `2024-01-02T03:04:${String(second).padStart(2, '0')}.${String(n).padStart(9, '0')}Z`;
}

/** Cuts `bytes` at the given offsets. */
export function cutAt(bytes: Buffer, ...offsets: number[]): Buffer[] {
  const points = [0, ...offsets, bytes.length];
  return points.slice(1).map((end, i) => bytes.subarray(points[i]!, end));
}
