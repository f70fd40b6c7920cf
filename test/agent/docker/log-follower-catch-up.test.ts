/**
 * The catch-up of a stream started with the cloud's resume point (the container went unwatched):
 * the newest `tail` lines behind one counted marker, on in-memory Docker-format streams.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LogFollower } from '../../../agent/docker/log-follower';
import type { RecordedFollow } from '../support/fake-container-source';
import { entry, muxFrame, ts } from '../support/docker-bytes';
import { FakeContainerSource } from '../support/fake-container-source';
import { RecordingLogger } from '../support/recording-logger';
import { RecordingSink } from '../support/recording-sink';
import { eventually } from '../support/eventually';

const ID = 'web1';
const TAIL = 3;
/** The cloud's buffer ends with "sent" at ts(5), seq 41. */
const RESUME = { seq: 41, ts: ts(5), textsAtTs: ['sent'] };

const frames = (...lines: [number, string][]) => Buffer.concat(lines.map(([n, text]) => muxFrame('stdout', entry(ts(n), `${text}\n`))));

describe('LogFollower catching up from a resume point', () => {
  let source: FakeContainerSource;
  let sink: RecordingSink;
  let follower: LogFollower | undefined;

  beforeEach(() => {
    source = new FakeContainerSource();
    sink = new RecordingSink();
    source.addContainer(ID);
  });

  afterEach(() => follower?.stop());

  function start(catchUpBudgetMs = 5_000): void {
    follower = new LogFollower({
      containerId: ID,
      source,
      sink,
      logger: new RecordingLogger(),
      request: { tail: TAIL, resume: RESUME, epoch: 1, catchUp: true },
      batchDelayMs: 1,
      recheckDelayMs: 5,
      catchUpBudgetMs,
    });
    follower.start();
  }

  const follows = () => source.follows.filter((f) => f.options.until === undefined);
  const counts = () => source.follows.filter((f) => f.options.until !== undefined);
  async function nth(list: () => RecordedFollow[], n: number): Promise<RecordedFollow> {
    await eventually(() => expect(list().length).toBeGreaterThanOrEqual(n));
    return list()[n - 1]!;
  }

  it('asks Docker for one line more than `tail` since the resume point, and counts the span before that window since/until its oldest line', async () => {
    start();
    const follow = await nth(follows, 1);
    expect(follow.options.from).toEqual({ since: ts(5), tail: TAIL + 1 });

    follow.stream.write(frames([10, 'w10'], [11, 'w11'], [12, 'w12'], [13, 'w13']));

    const count = await nth(counts, 1);
    expect(count.options).toMatchObject({ from: { since: ts(5) }, until: ts(10) });
  });

  it('sends one marker counting the skipped lines exactly (the window\'s oldest among them), then the newest `tail` lines, then live ones', async () => {
    start();
    const follow = await nth(follows, 1);
    follow.stream.write(frames([10, 'w10'], [11, 'w11'], [12, 'w12'], [13, 'w13']));
    const count = await nth(counts, 1);
    // Docker's inclusive bounds: the line sent at ts(5) again, and the window's oldest line at the end.
    count.stream.end(frames([5, 'sent'], [6, 's6'], [7, 's7'], [8, 's8'], [10, 'w10']));
    follow.stream.write(frames([14, 'live']));

    await eventually(() => expect(sink.lines).toHaveLength(5));
    expect(sink.lines[0]).toEqual({
      seq: 42,
      ts: ts(10),
      stream: 'stdout',
      text: '— 4 lines skipped while nobody watched (03:04:00 – 03:04:00 UTC) —',
      skipped: { reason: 'catch_up', lines: 4, from: ts(6), to: ts(10) },
    });
    expect(sink.lines.slice(1).map((l) => [l.seq, l.text])).toEqual([[43, 'w11'], [44, 'w12'], [45, 'w13'], [46, 'live']]);
  });

  it('counts a lower bound when the budget runs out, and the lines go at its end', async () => {
    start(100);
    const follow = await nth(follows, 1);
    follow.stream.write(frames([10, 'w10'], [11, 'w11'], [12, 'w12'], [13, 'w13']));
    const count = await nth(counts, 1);
    count.stream.write(frames([5, 'sent'], [6, 's6'], [7, 's7'])); // …and Docker is still reading

    await eventually(() => expect(sink.lines).toHaveLength(4));
    expect(sink.lines[0]!.skipped).toEqual({ reason: 'catch_up', lines: 3, atLeast: true, from: ts(6), to: ts(10) });
    expect(sink.lines[0]!.text).toBe('— at least 3 lines skipped while nobody watched (03:04:00 – 03:04:00 UTC) —');
    expect(count.stream.destroyed).toBe(true);
  });

  it('sends no marker when nothing lies between the resume point and the first line (a short window, or a live line)', async () => {
    start();
    const follow = await nth(follows, 1);
    follow.stream.write(frames([10, 'first live']));
    const count = await nth(counts, 1);
    count.stream.end(frames([5, 'sent'], [10, 'first live']));

    await eventually(() => expect(sink.lines).toHaveLength(1));
    expect(sink.lines).toEqual([{ seq: 42, ts: ts(10), stream: 'stdout', text: 'first live' }]);
  });

  it('says lines may be missing, uncounted, when not one could be counted in time — and skips no line it has no proof for', async () => {
    start(100);
    const follow = await nth(follows, 1);
    follow.stream.write(frames([10, 'w10'], [11, 'w11']));
    await nth(counts, 1); // Docker still passing older lines: nothing comes

    await eventually(() => expect(sink.lines).toHaveLength(3));
    expect(sink.lines[0]!.skipped).toEqual({ reason: 'catch_up', lines: 0, atLeast: true, from: ts(5), to: ts(10) });
    expect(sink.lines.slice(1).map((l) => [l.seq, l.text])).toEqual([[43, 'w10'], [44, 'w11']]);
  });

  it('counts a lower bound when the span read does not end with the window (a clock stepped back inside it)', async () => {
    start();
    const follow = await nth(follows, 1);
    follow.stream.write(frames([10, 'w10'], [11, 'w11'], [12, 'w12'], [13, 'w13']));
    const count = await nth(counts, 1);
    // Docker ends the read at the first entry after `until`: here a skipped line stamped later.
    count.stream.end(frames([5, 'sent'], [6, 's6']));

    await eventually(() => expect(sink.lines).toHaveLength(4));
    expect(sink.lines[0]!.skipped).toEqual({ reason: 'catch_up', lines: 2, atLeast: true, from: ts(6), to: ts(10) });
  });

  it('starts the catch-up over when the follow fails while counting, sending nothing twice', async () => {
    start();
    const first = await nth(follows, 1);
    first.stream.write(frames([10, 'w10'], [11, 'w11'], [12, 'w12'], [13, 'w13']));
    await nth(counts, 1);
    first.stream.destroy(new Error('ECONNRESET'));

    const second = await nth(follows, 2);
    expect(second.options.from).toEqual({ since: ts(5), tail: TAIL + 1 });
    second.stream.write(frames([10, 'w10'], [11, 'w11'], [12, 'w12'], [13, 'w13']));
    const count = await nth(counts, 2);
    count.stream.end(frames([5, 'sent'], [6, 's6'], [10, 'w10']));

    await eventually(() => expect(sink.lines).toHaveLength(4));
    expect(sink.lines.map((l) => [l.seq, l.skipped?.lines ?? l.text])).toEqual([[42, 2], [43, 'w11'], [44, 'w12'], [45, 'w13']]);
  });

  it('delivers the held lines when the container stops while counting, then follows on after them with `since` alone', async () => {
    start();
    const first = await nth(follows, 1);
    source.containers.get(ID)!.running = false;
    first.stream.end(frames([10, 'w10'], [11, 'w11'], [12, 'w12'], [13, 'w13']));
    const count = await nth(counts, 1);
    count.stream.end(frames([5, 'sent'], [6, 's6'], [10, 'w10']));
    await eventually(() => expect(sink.lines).toHaveLength(4));
    await eventually(() => expect(follower!.state).toBe('ended'));

    source.containers.get(ID)!.running = true;
    follower!.containerStarted();
    const second = await nth(follows, 2);
    expect(second.options.from).toEqual({ since: ts(13) });
    second.stream.write(frames([13, 'w13'], [14, 'after restart']));
    await eventually(() => expect(sink.lines).toHaveLength(5));
    expect(sink.lines.at(-1)).toMatchObject({ seq: 46, text: 'after restart' });
    expect(counts()).toHaveLength(1);
  });

  it('releases the held window only as the sink has room: nothing held goes into a congested sink, the rest once it drains', async () => {
    start();
    const follow = await nth(follows, 1);
    follow.stream.write(frames([10, 'w10'], [11, 'w11'], [12, 'w12'], [13, 'w13']));
    const count = await nth(counts, 1);
    sink.congested = true;
    count.stream.end(frames([5, 'sent'], [6, 's6'], [10, 'w10']));

    await eventually(() => expect(sink.lines).toHaveLength(1));
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(sink.lines.map((l) => l.skipped?.lines ?? l.text)).toEqual([2]);

    sink.drain();
    await eventually(() => expect(sink.lines.map((l) => l.skipped?.lines ?? l.text)).toEqual([2, 'w11', 'w12', 'w13']));
  });

  it('delivers the held window of a removed container whose stream is cut while counting: it is the only copy left', async () => {
    start();
    const first = await nth(follows, 1);
    first.stream.write(frames([10, 'w10'], [11, 'w11'], [12, 'w12'], [13, 'w13']));
    const count = await nth(counts, 1);
    const finished = follower!.finish();
    first.stream.destroy();
    count.stream.end(frames([5, 'sent'], [6, 's6'], [10, 'w10']));

    await finished;
    expect(sink.lines.map((l) => l.skipped?.lines ?? l.text)).toEqual([2, 'w11', 'w12', 'w13']);
    expect(follower!.state).toBe('stopped');
  });

  it('stops the count\'s span read when the follower stops, not at the end of its budget', async () => {
    start(60_000);
    const follow = await nth(follows, 1);
    follow.stream.write(frames([10, 'w10'], [11, 'w11'], [12, 'w12'], [13, 'w13']));
    const count = await nth(counts, 1);

    follower!.stop();

    await eventually(() => expect(count.stream.destroyed).toBe(true));
  });

  it('reads on after a congestion pause while counting, instead of following anew: that would start the window and its count over', async () => {
    start();
    const follow = await nth(follows, 1);
    follow.stream.write(frames([10, 'w10'], [11, 'w11'], [12, 'w12']));
    const count = await nth(counts, 1);
    sink.congested = true;
    follow.stream.write(frames([13, 'w13']));
    await eventually(() => expect(follow.stream.isPaused()).toBe(true));

    sink.drain();
    count.stream.end(frames([5, 'sent'], [6, 's6'], [10, 'w10']));
    follow.stream.write(frames([14, 'live']));

    await eventually(() => expect(sink.lines.map((l) => l.skipped?.lines ?? l.text)).toEqual([2, 'w11', 'w12', 'w13', 'live']));
    expect(follows()).toHaveLength(1);
    expect(counts()).toHaveLength(1);
  });

  it('follows on after the skipped window line when only the marker was sent, never replaying the span', async () => {
    follower = new LogFollower({
      containerId: ID,
      source,
      sink,
      logger: new RecordingLogger(),
      request: { tail: 0, resume: RESUME, epoch: 1, catchUp: true },
      batchDelayMs: 1,
      recheckDelayMs: 5,
    });
    follower.start();
    const first = await nth(follows, 1);
    source.containers.get(ID)!.running = false;
    first.stream.end(frames([10, 'w10']));
    const count = await nth(counts, 1);
    count.stream.end(frames([5, 'sent'], [6, 's6'], [10, 'w10']));
    await eventually(() => expect(sink.lines).toHaveLength(1));
    await eventually(() => expect(follower!.state).toBe('ended'));

    source.containers.get(ID)!.running = true;
    follower.containerStarted();
    const second = await nth(follows, 2);
    expect(second.options.from).toEqual({ since: ts(10) });
  });

  it('puts a rotated marker first when the span read shows the resume point\'s line gone: Docker rotated away lines no count can know', async () => {
    start();
    const follow = await nth(follows, 1);
    follow.stream.write(frames([10, 'w10'], [11, 'w11'], [12, 'w12'], [13, 'w13']));
    const count = await nth(counts, 1);
    count.stream.end(frames([7, 's7'], [8, 's8'], [10, 'w10']));

    await eventually(() => expect(sink.lines).toHaveLength(5));
    expect(sink.lines[0]).toMatchObject({ seq: 42, skipped: { reason: 'rotated', from: ts(5), to: ts(7) } });
    expect(sink.lines[0]!.skipped).not.toHaveProperty('lines');
    expect(sink.lines[1]).toMatchObject({ seq: 43, skipped: { reason: 'catch_up', lines: 3, from: ts(7), to: ts(10) } });
    expect(sink.lines.slice(2).map((l) => [l.seq, l.text])).toEqual([[44, 'w11'], [45, 'w12'], [46, 'w13']]);
  });
});
