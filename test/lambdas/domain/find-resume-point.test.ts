import { describe, expect, it } from 'vitest';
import { byteLength, encode, MAX_MESSAGE_BYTES, type LogLine } from '../../../protocol';
import { findResumePoint, MAX_RESUME_TEXTS_BYTES, RESUME_BATCHES } from '../../../lambdas/domain/find-resume-point';
import { streamStartMessage } from '../../../lambdas/domain/stream-start-message';
import { container, createWorld, EPOCH, lines, NOW } from './in-memory-deps';

/** Docker's piece size: texts of this length share one ts when a long line was split. */
const PIECE_BYTES = 16 * 1024;
const at = (second: number, nanos = '000000000') => `2026-11-25T11:00:${String(second).padStart(2, '0')}.${nanos}Z`;
const line = (seq: number, ts: string, text = `line ${seq}`, stream: LogLine['stream'] = 'stdout'): LogLine => ({ seq, ts, stream, text });

const marker = (seq: number, from: string, to: string): LogLine => ({
  ...line(seq, to, `— 2 lines skipped while nobody watched —`),
  skipped: { reason: 'catch_up', lines: 2, from, to },
});

describe('findResumePoint with skip markers', () => {
  it('never lists a marker\'s text among the texts at ts: it is not a line Docker will send again', async () => {
    const world = createWorld();
    await world.buffer.store(container(), [line(1, at(1))]);
    await world.buffer.store(container(), [marker(2, at(2), at(4)), line(3, at(4), 'a')]);

    expect((await findResumePoint(world.buffer, container()))?.resume).toEqual({ seq: 3, ts: at(4), textsAtTs: ['a'] });
  });

  it('resumes after a marker that is the newest buffered line: its seq and its ts (the end of the span it stands for), no text', async () => {
    const world = createWorld();
    await world.buffer.store(container(), [line(1, at(1))]);
    await world.buffer.store(container(), [marker(2, at(2), at(3))]);

    expect(await findResumePoint(world.buffer, container())).toEqual({ epoch: EPOCH, resume: { seq: 2, ts: at(3), textsAtTs: [] } });
  });
});

describe('findResumePoint', () => {
  it('finds nothing in an empty buffer', async () => {
    expect(await findResumePoint(createWorld().buffer, container())).toBeUndefined();
  });

  it('resumes from the highest ts of the newest batch when its last line is an earlier-stamped joined line', async () => {
    const world = createWorld();
    await world.buffer.store(container(), [line(1, at(1))]);
    // seq 4 was joined from 16 KB pieces: it keeps its first piece's ts, earlier than stderr's seq 3.
    await world.buffer.store(container(), [line(2, at(2)), line(3, at(5), 'err', 'stderr'), line(4, at(3), 'x'.repeat(100))]);

    expect((await findResumePoint(world.buffer, container()))?.resume).toEqual({ seq: 4, ts: at(5), textsAtTs: ['err'] });
  });

  it('compares timestamps to the nanosecond', async () => {
    const world = createWorld();
    await world.buffer.store(container(), [line(1, at(1, '000000002')), line(2, at(1, '000000001')), line(3, at(1, '000000002'), 'again')]);

    expect((await findResumePoint(world.buffer, container()))?.resume).toEqual({ seq: 3, ts: at(1, '000000002'), textsAtTs: ['line 1', 'again'] });
  });

  it('collects the texts at that ts from older batches too, oldest first', async () => {
    const world = createWorld();
    await world.buffer.store(container(), [line(1, at(1)), line(2, at(4), 'a')]);
    await world.buffer.store(container(), [line(3, at(4), 'b'), line(4, at(2), 'joined')]);

    expect((await findResumePoint(world.buffer, container()))?.resume).toEqual({ seq: 4, ts: at(4), textsAtTs: ['a', 'b'] });
  });

  it('keeps the newest texts that fit when the texts at one ts would exceed the cap', async () => {
    const world = createWorld();
    const long = (seq: number) => `${seq}`.padEnd(PIECE_BYTES, 'y');
    for (let first = 1; first <= 10; first += 2) await world.buffer.store(container(), lines(first, first + 1, long, at(9)));

    const { resume } = (await findResumePoint(world.buffer, container()))!;

    expect(resume.seq).toBe(10);
    expect(byteLength(JSON.stringify(resume.textsAtTs))).toBeLessThanOrEqual(MAX_RESUME_TEXTS_BYTES);
    // Three 16 KB texts fit in 64 KB with their quotes and commas; a fourth would not.
    expect(resume.textsAtTs).toEqual([8, 9, 10].map(long));
  });

  it('keeps log.stream.start far under the message limit however many lines share the ts', async () => {
    const world = createWorld();
    const long = (seq: number) => `${seq}`.padEnd(PIECE_BYTES, 'z');
    for (let first = 1; first <= 40; first += 4) await world.buffer.store(container(), lines(first, first + 3, long, at(9)));

    const start = await streamStartMessage(world, container(), { catchUp: false });

    expect(byteLength(encode(start))).toBeLessThan(MAX_MESSAGE_BYTES / 2 + 1024);
  });

  it('reads a bounded number of the newest batches, however many share the ts', async () => {
    const world = createWorld();
    for (let seq = 1; seq <= 50; seq++) await world.buffer.store(container(), [line(seq, at(9), `same ${seq}`)]);

    const { resume } = (await findResumePoint(world.buffer, container()))!;

    expect(world.buffer.reads).toEqual([RESUME_BATCHES]);
    // The older ones at that ts come back once more as new lines: a duplicate, never a loss.
    expect(resume).toEqual({ seq: 50, ts: at(9), textsAtTs: Array.from({ length: RESUME_BATCHES }, (_, i) => `same ${51 - RESUME_BATCHES + i}`) });
  });

  it('resumes in the newest epoch, ignoring the lines of older ones', async () => {
    const world = createWorld();
    await world.buffer.store(container(), [line(1, at(8), 'old')], EPOCH);
    await world.buffer.store(container(), [line(1, at(8), 'new'), line(2, at(1))], EPOCH + 5);

    expect(await findResumePoint(world.buffer, container())).toEqual({ epoch: EPOCH + 5, resume: { seq: 2, ts: at(8), textsAtTs: ['new'] } });
  });
});

describe('streamStartMessage', () => {
  it("continues the newest stored batch's epoch when it resumes", async () => {
    const world = createWorld();
    await world.buffer.store(container(), lines(1, 2), EPOCH);

    expect(await streamStartMessage(world, container(), { catchUp: false })).toMatchObject({ epoch: EPOCH, resume: { seq: 2 } });
  });

  it('mints a new epoch, later than any before it, when nothing is buffered to resume from', async () => {
    const world = createWorld();

    const start = await streamStartMessage(world, container(), { catchUp: false });

    expect(start).toEqual({ action: 'log.stream.start', containerId: 'c1', tail: 1000, epoch: NOW });
    expect(start.epoch).toBeGreaterThan(EPOCH);
  });
});
