/**
 * What a viewer received for one container, counted against the numbered lines the container
 * wrote: every line once and in order, or a skip marker accounting for each missing one. For the
 * end-to-end specs, which all say the same thing about different kinds of output.
 */
import { expect } from 'vitest';
import type { CloudToViewer, LogLine } from '../../protocol';
import { PackedReader, packedOf } from '../support/packed-batches';
import type { ViewerClient } from '../support/viewer-client';

interface ReadSoFar {
  messages: number;
  readonly reader: PackedReader;
  readonly lines: LogLine[];
}
/** Per viewer and container, what linesOf has inflated: specs poll it on every message, so each batch is read once. */
const readSoFar = new WeakMap<ViewerClient, Map<string, ReadSoFar>>();

/** Lines a viewer got for the container: history, live and fetched batches, in arrival order, resends included. */
export function linesOf(viewer: ViewerClient, containerId: string): LogLine[] {
  const ofViewer = readSoFar.get(viewer) ?? new Map<string, ReadSoFar>();
  readSoFar.set(viewer, ofViewer);
  const read = ofViewer.get(containerId) ?? { messages: 0, reader: new PackedReader(), lines: [] };
  ofViewer.set(containerId, read);
  for (const carrier of packedOf(viewer.received.slice(read.messages), containerId)) read.lines.push(...read.reader.read(carrier));
  read.messages = viewer.received.length;
  return [...read.lines];
}

/** Each seq once, in seq order; a repeat (a batch resent after a lost ack) must equal the first copy. */
export function uniqueBySeq(lines: readonly LogLine[]): LogLine[] {
  const bySeq = new Map<number, LogLine>();
  for (const line of lines) {
    const first = bySeq.get(line.seq);
    if (first) expect(line, `seq ${line.seq} came twice, differently`).toEqual(first);
    else bySeq.set(line.seq, line);
  }
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

/**
 * Checks `received` (one stream's lines, as `uniqueBySeq` gives them) against the texts the
 * container wrote, in order: seqs run 1, 2, 3 … with no gap, and each written text comes once,
 * in order — except where a skip marker stands for a counted number of them. Returns the markers.
 */
export function expectEveryLineOnceOrMarked(received: readonly LogLine[], written: readonly string[]): LogLine[] {
  expect(received.map((l) => l.seq), 'seqs without a gap').toEqual(received.map((_, i) => i + 1));
  const markers = received.filter((l) => l.skipped);
  // A marker stands for the next `lines` written lines, whatever they were.
  const seen = received.flatMap((line): (string | typeof SKIPPED)[] => {
    if (!line.skipped) return [line.text];
    expect(line.skipped.lines, `a marker counts what it skipped: ${line.text}`).toBeTypeOf('number');
    return Array.from({ length: line.skipped.lines! }, () => SKIPPED);
  });
  const wrong = seen.flatMap((text, i) =>
    text === SKIPPED || text === written[i] ? [] : [`#${i + 1}: got ${JSON.stringify(text.slice(0, 60))}, wrote ${JSON.stringify(written[i]?.slice(0, 60))}`],
  );
  expect(wrong.slice(0, 10), 'every written line once, in order').toEqual([]);
  expect(seen.length, 'as many lines (or marked lines) as were written').toBe(written.length);
  return markers;
}

const SKIPPED = Symbol('skipped');

/** The host's container is listed as running, in `inventory` or a later `host.containers`. */
export function listedRunning(agentId: string, containerId: string): (m: CloudToViewer) => boolean {
  return (m) =>
    m.action === 'inventory'
      ? m.hosts.some((h) => h.agentId === agentId && h.online && h.containers.some((c) => c.id === containerId && c.state === 'running'))
      : m.action === 'host.containers' && m.agentId === agentId && m.upsert.some((c) => c.id === containerId && c.state === 'running');
}
