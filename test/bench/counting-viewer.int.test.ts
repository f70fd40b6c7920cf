/**
 * The benches' exactly-once check: a counting viewer fails a run in which a line is missing or
 * arrives twice. A small WebSocket server plays the cloud.
 */
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { encode, type LogLine } from '../../protocol';
import { compressLines, packedBytes } from '../../protocol/packed-zlib';
import { CountingViewer, ExactlyOnceError } from '../../bench/counting-viewer';
import { PackedReader } from '../support/packed-batches';

let server: WebSocketServer | undefined;
let viewer: CountingViewer | undefined;
afterEach(async () => {
  await viewer?.close();
  await new Promise((resolve) => server?.close(resolve));
});

const CONTAINER = 'c1';
const line = (seq: number, text: string): LogLine => ({ seq, ts: '2026-12-01T14:00:00.000000000Z', stream: 'stdout', text });

/** A viewer connected to a fake cloud that sends it `lines` (numbers as generated lines carry them) in log.batch messages. */
async function viewerReceiving(numbers: readonly number[], expected: number): Promise<CountingViewer> {
  server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise((resolve) => server!.once('listening', resolve));
  const connected = new Promise<WebSocket>((resolve) => server!.once('connection', resolve));
  viewer = await CountingViewer.connect(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`, 'token');
  viewer.watch(CONTAINER, expected);
  const socket = await connected;
  const lines = numbers.map((n, i) => line(i + 1, `GET /api/v1/users/${n} 200 seq=${n}`));
  socket.send(encode({ action: 'log.history', agentId: 'a', containerId: CONTAINER, batches: [], done: true }));
  // Packed, two lines a batch; a repeated number is a repeated line, not a repeated seq.
  for (let i = 0; i < lines.length; i += 2) socket.send(encode({ action: 'log.batch', agentId: 'a', containerId: CONTAINER, epoch: 1, ...compressLines(lines.slice(i, i + 2)) }));
  socket.send(encode({ action: 'pong' }));
  await viewer.waitFor((m) => m.action === 'pong', 5_000, 'the last message');
  return viewer;
}

describe('CountingViewer', () => {
  it('passes a run in which every line arrived exactly once, counting their text bytes', async () => {
    const v = await viewerReceiving([1, 2, 3, 4, 5], 5);

    await v.allArrived(1_000);
    expect(() => v.assertExactlyOnce()).not.toThrow();
    expect(v.received).toBe(5);
    expect(v.textBytes).toBe(5 * Buffer.byteLength('GET /api/v1/users/1 200 seq=1'));
  });

  it('fails a run with a missing line, naming it', async () => {
    const v = await viewerReceiving([1, 2, 4, 5], 5);

    await expect(v.allArrived(200)).rejects.toThrow(/4 of 5 lines arrived; first missing: 3/);
    expect(() => v.assertExactlyOnce()).toThrow(ExactlyOnceError);
    expect(() => v.assertExactlyOnce()).toThrow(/missing 3/);
  });

  it('fails a run in which a line arrived twice', async () => {
    const v = await viewerReceiving([1, 2, 3, 3, 4, 5], 5);

    await v.allArrived(1_000);
    expect(() => v.assertExactlyOnce()).toThrow(/1 repeated/);
  });

  it('fails a run with a line numbered past the end', async () => {
    const v = await viewerReceiving([1, 2, 3, 4, 5, 6], 5);

    expect(() => v.assertExactlyOnce()).toThrow(/highest 6/);
  });

  it('checks a prefix of the lines when told how many were due (a container still printing)', async () => {
    const v = await viewerReceiving([1, 2, 3], 100);

    expect(() => v.assertExactlyOnce(3)).not.toThrow();
    expect(() => v.assertExactlyOnce(4)).toThrow(/missing 4/);
  });

  it('reads a batch in parts once all its parts have come, in any order', () => {
    const reader = new PackedReader();
    const lines = Array.from({ length: 50 }, (_, i) => line(i + 1, `line seq=${i + 1}`));
    const { firstSeq, lastSeq, data } = compressLines(lines);
    const bytes = packedBytes(data);
    const third = Math.ceil(bytes.length / 3);
    const part = (index: number) => ({ firstSeq, lastSeq, data: bytes.subarray(index * third, (index + 1) * third).toString('base64'), part: { index, count: 3 } });

    expect(reader.read(part(2))).toEqual([]);
    expect(reader.read(part(0))).toEqual([]);
    expect(reader.read(part(1))).toEqual(lines);
  });
});
