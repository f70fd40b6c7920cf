import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LogFollower, type FollowRequest } from '../../../agent/docker/log-follower';
import { entry, muxFrame, ts } from '../support/docker-bytes';
import { FakeContainerSource } from '../support/fake-container-source';
import { RecordingLogger } from '../support/recording-logger';
import { RecordingSink } from '../support/recording-sink';
import { lineObjectBytes } from '../../../agent/transport/memory-budget';
import { unpacked } from '../../support/packed-batches';
import { eventually } from '../support/eventually';

const ID = 'web1';

describe('LogFollower', () => {
  let source: FakeContainerSource;
  let sink: RecordingSink;
  let logger: RecordingLogger;
  let follower: LogFollower | undefined;
  let gone: string[];

  beforeEach(() => {
    source = new FakeContainerSource();
    sink = new RecordingSink();
    logger = new RecordingLogger();
    gone = [];
    source.addContainer(ID);
  });

  afterEach(() => {
    follower?.stop();
  });

  function follow(request: Omit<FollowRequest, 'epoch'> = { tail: 100 }, containerId = ID, maxRetryDelayMs?: number): LogFollower {
    follower = new LogFollower({
      containerId,
      source,
      sink,
      logger,
      request: { ...request, epoch: 1 },
      batchDelayMs: 1,
      recheckDelayMs: 5,
      onGone: () => gone.push(containerId),
      ...(maxRetryDelayMs !== undefined ? { maxRetryDelayMs } : {}),
    });
    follower.start();
    return follower;
  }

  async function followed(count: number): Promise<void> {
    await eventually(() => expect(source.follows).toHaveLength(count));
  }

  it('follows with `tail`, and sends the lines numbered from 1 in log.batch messages of the stream\'s epoch', async () => {
    follow({ tail: 100 });
    await followed(1);

    source.lastFollow(ID).stream.write(
      Buffer.concat([muxFrame('stdout', entry(ts(1), 'hello\n')), muxFrame('stderr', entry(ts(2), 'oops\n'))]),
    );

    await eventually(() => expect(sink.lines).toHaveLength(2));
    expect(source.follows[0]!.options.from).toEqual({ tail: 100 });
    const lines = [
      { seq: 1, ts: ts(1), stream: 'stdout', text: 'hello' },
      { seq: 2, ts: ts(2), stream: 'stderr', text: 'oops' },
    ];
    expect(sink.batches[0]).toMatchObject({ containerId: ID, epoch: 1, lines });
    const [message] = sink.batches[0]!.wire!.messages;
    expect(message!.message).toMatchObject({ action: 'log.batch', containerId: ID, epoch: 1, firstSeq: 1, lastSeq: 2 });
    expect(unpacked(message!.message)).toEqual(lines);
  });

  it('resumes a stream viewers kept watching with `since` = resume.ts alone: every line since goes, the repeats dropped, numbered from resume.seq + 1', async () => {
    follow({ tail: 2, resume: { seq: 41, ts: ts(5), textsAtTs: ['GET / 200'] } });
    await followed(1);

    source.lastFollow(ID).stream.write(
      Buffer.concat([5, 6, 7, 8].map((n) => muxFrame('stdout', entry(ts(n), n === 5 ? 'GET / 200\n' : `line ${n}\n`)))),
    );

    await eventually(() => expect(sink.lines).toHaveLength(3));
    expect(source.follows[0]!.options.from).toEqual({ since: ts(5) });
    expect(sink.lines.map((l) => [l.seq, l.text])).toEqual([[42, 'line 6'], [43, 'line 7'], [44, 'line 8']]);
    expect(sink.lines.some((l) => l.skipped)).toBe(false);
  });

  it('resumes a catch-up with `since` = resume.ts and one more than `tail`, drops the repeats and numbers from resume.seq + 1', async () => {
    follow({ tail: 100, resume: { seq: 41, ts: ts(5), textsAtTs: ['GET / 200'] }, catchUp: true });
    await followed(1);

    source.lastFollow(ID).stream.write(
      Buffer.concat([
        muxFrame('stdout', entry(ts(5), 'GET / 200\n')),
        muxFrame('stdout', entry(ts(5), 'GET /about 200\n')),
        muxFrame('stdout', entry(ts(6), 'GET / 200\n')),
      ]),
    );

    await eventually(() => expect(sink.lines).toHaveLength(2));
    expect(source.follows[0]!.options.from).toEqual({ since: ts(5), tail: 101 });
    // The window reached back to a line sent already: nothing was skipped, nothing is counted.
    expect(source.follows).toHaveLength(1);
    expect(sink.lines).toEqual([
      { seq: 42, ts: ts(5), stream: 'stdout', text: 'GET /about 200' },
      { seq: 43, ts: ts(6), stream: 'stdout', text: 'GET / 200' },
    ]);
  });

  it('reads a TTY container\'s raw stream, dropping the \\r of \\r\\n', async () => {
    source.addContainer('tty1', { tty: true });
    follow({ tail: 10 }, 'tty1');
    await followed(1);

    source.lastFollow('tty1').stream.write(Buffer.from(`${ts(1)} $ ls\r\n${ts(2)} a  b\r\n`));

    await eventually(() => expect(sink.lines.map((l) => l.text)).toEqual(['$ ls', 'a  b']));
  });

  it('when the container stops and starts again, continues after the last line sent, without repeats', async () => {
    follow({ tail: 100 });
    await followed(1);
    source.containers.get(ID)!.running = false;
    const first = source.lastFollow(ID).stream;
    first.end(Buffer.concat([muxFrame('stdout', entry(ts(1), 'one\n')), muxFrame('stdout', entry(ts(2), 'two\n')), muxFrame('stderr', entry(ts(2), 'bye\n'))]));
    await eventually(() => expect(follower!.state).toBe('ended'));
    await eventually(() => expect(sink.lines).toHaveLength(3));

    source.containers.get(ID)!.running = true;
    follower!.containerStarted();
    await followed(2);
    // `since` is inclusive: Docker sends the lines at ts(2) again before the new ones.
    source.lastFollow(ID).stream.write(
      Buffer.concat([
        muxFrame('stdout', entry(ts(2), 'two\n')),
        muxFrame('stderr', entry(ts(2), 'bye\n')),
        muxFrame('stdout', entry(ts(9), 'started again\n')),
      ]),
    );

    await eventually(() => expect(sink.lines).toHaveLength(4));
    expect(source.follows[1]!.options.from).toEqual({ since: ts(2) });
    expect(sink.lines.map((l) => [l.seq, l.text])).toEqual([
      [1, 'one'],
      [2, 'two'],
      [3, 'bye'],
      [4, 'started again'],
    ]);
  });

  it('sends an unterminated line when the stream is cut off in the middle of it', async () => {
    source.containers.get(ID)!.running = false;
    follow({ tail: 100 });
    await followed(1);

    source.lastFollow(ID).stream.end(muxFrame('stdout', entry(ts(1), 'half a li')));

    await eventually(() => expect(sink.lines).toEqual([{ seq: 1, ts: ts(1), stream: 'stdout', text: 'half a li' }]));
  });

  it('follows again by itself when the stream ends but the container still runs', async () => {
    follow({ tail: 100 });
    await followed(1);
    source.lastFollow(ID).stream.end(muxFrame('stdout', entry(ts(1), 'one\n')));

    await followed(2);

    expect(source.follows[1]!.options.from).toEqual({ since: ts(1) });
    expect(follower!.state).toBe('following');
  });

  it('follows again after a stream fails, saying so once for a streak of failures', async () => {
    follow({ tail: 100 });
    await followed(1);

    source.lastFollow(ID).stream.destroy(new Error('unexpected EOF'));
    await followed(2);
    source.lastFollow(ID).stream.destroy(new Error('unexpected EOF'));
    await followed(3);

    expect(logger.matching(/The log stream of container web1 failed \(unexpected EOF\); following it again\./)).toHaveLength(1);
    expect(follower!.state).toBe('following');
  });

  it('stop() destroys the Docker stream and sends the lines already numbered', async () => {
    follow({ tail: 100 });
    await followed(1);
    const stream = source.lastFollow(ID).stream;
    stream.write(muxFrame('stdout', entry(ts(1), 'last words\n')));
    await eventually(() => expect(follower!.lastSeq).toBe(1));

    follower!.stop();

    expect(stream.destroyed).toBe(true);
    expect(sink.lines.map((l) => l.text)).toEqual(['last words']);
    expect(follower!.state).toBe('stopped');
  });

  it('pauses the Docker stream while the sink is congested, and once drained follows anew from the last line sent', async () => {
    follow({ tail: 100 });
    await followed(1);
    const stream = source.lastFollow(ID).stream;
    sink.congested = true;

    stream.write(muxFrame('stdout', entry(ts(1), 'a\n')));
    await eventually(() => expect(stream.isPaused()).toBe(true));
    sink.drain();

    // dockerd's blocked reader may have skipped what rotation removed meanwhile: a fresh `since` does not.
    await followed(2);
    expect(stream.destroyed).toBe(true);
    expect(source.lastFollow(ID).options.from).toEqual({ since: ts(1) });
    source.lastFollow(ID).stream.write(Buffer.concat([muxFrame('stdout', entry(ts(1), 'a\n')), muxFrame('stdout', entry(ts(2), 'b\n'))]));
    await eventually(() => expect(sink.lines.map((l) => [l.seq, l.text])).toEqual([[1, 'a'], [2, 'b']]));
  });

  it('resumes a stream paused for less than refollowAfterPauseMs', async () => {
    follower = new LogFollower({ containerId: ID, source, sink, logger, request: { tail: 100, epoch: 1 }, batchDelayMs: 1, refollowAfterPauseMs: 60_000 });
    follower.start();
    await followed(1);
    const stream = source.lastFollow(ID).stream;
    sink.congested = true;

    stream.write(muxFrame('stdout', entry(ts(1), 'a\n')));
    await eventually(() => expect(stream.isPaused()).toBe(true));
    sink.drain();

    expect(stream.isPaused()).toBe(false);
    expect(source.follows).toHaveLength(1);
  });

  describe('when Docker no longer holds the line it resumes from (rotated away)', () => {
    it('numbers a rotated marker before the first line, bounding the lost span, when a re-follow\'s first line is later than the last line sent', async () => {
      follow({ tail: 100 });
      await followed(1);
      source.lastFollow(ID).stream.end(muxFrame('stdout', entry(ts(5), 'GET / 200\n')));
      await followed(2);

      source.lastFollow(ID).stream.write(Buffer.concat([muxFrame('stdout', entry(ts(9), 'later\n')), muxFrame('stdout', entry(ts(10), 'next\n'))]));

      await eventually(() => expect(sink.lines).toHaveLength(4));
      expect(sink.lines[1]).toMatchObject({ seq: 2, ts: ts(9), stream: 'stdout', skipped: { reason: 'rotated', from: ts(5), to: ts(9) } });
      expect(sink.lines[1]!.skipped).not.toHaveProperty('lines');
      expect(sink.lines.slice(2).map((l) => [l.seq, l.text])).toEqual([[3, 'later'], [4, 'next']]);
      expect(logger.matching(/rotated/)).toHaveLength(1);
    });

    it('writes no marker when the resume point\'s line comes back (since is inclusive), nor for lines stamped before it', async () => {
      follow({ tail: 100, resume: { seq: 41, ts: ts(5), textsAtTs: ['GET / 200'] } });
      await followed(1);

      source.lastFollow(ID).stream.write(
        Buffer.concat([
          muxFrame('stdout', entry(ts(4), 'older\n')),
          muxFrame('stdout', entry(ts(5), 'GET / 200\n')),
          muxFrame('stdout', entry(ts(9), 'later\n')),
        ]),
      );

      await eventually(() => expect(sink.lines.map((l) => l.text)).toEqual(['later']));
      expect(sink.lines.some((l) => l.skipped)).toBe(false);
    });
  });

  it('tells the sink what its pipeline holds, and nothing once stopped', async () => {
    const held: number[] = [];
    sink.holding = (bytes: number) => held.push(bytes);
    follow({ tail: 100 });
    await followed(1);

    // A line Docker cut into a 16 KB piece, not yet joined: the framer holds it.
    source.lastFollow(ID).stream.write(muxFrame('stdout', entry(ts(1), 'x'.repeat(16 * 1024))));
    await eventually(() => expect(Math.max(...held)).toBeGreaterThanOrEqual(16 * 1024));
    follower!.stop();

    expect(held.at(-1)).toBe(0);
  });

  it('counts a line whose add closes a full batch from the moment it is held, not once the next batch goes', async () => {
    const held: number[] = [];
    sink.holding = (bytes: number) => held.push(bytes);
    // A batch waits for its ack: lines gather until one closes a full batch and starts the next.
    sink.idle = () => false;
    sink.onceIdle = () => () => {};
    follow({ tail: 100 });
    await followed(1);
    const text = 'x'.repeat(10_000);

    source.lastFollow(ID).stream.write(Buffer.concat(Array.from({ length: 15 }, (_, i) => muxFrame('stdout', entry(ts(i + 1), `${text}\n`)))));

    await eventually(() => expect(sink.batches).toHaveLength(1));
    const waiting = 15 - sink.lines.length;
    expect(waiting).toBeGreaterThan(0);
    expect(held.at(-1)).toBeGreaterThanOrEqual(waiting * lineObjectBytes(text));
  });

  it('warns once and gives itself up (onGone) when the container does not exist: a 404 on open', async () => {
    follow({ tail: 100 }, 'ghost');

    await eventually(() => expect(gone).toEqual(['ghost']));
    expect(logger.matching(/ghost.*does not exist/)).toHaveLength(1);
    expect(follower!.state).toBe('stopped');
  });

  it('gives itself up when the container was removed under it: the stream ends and Docker answers 404', async () => {
    follow({ tail: 100 });
    await followed(1);
    source.containers.delete(ID);

    source.lastFollow(ID).stream.end(muxFrame('stdout', entry(ts(1), 'last words\n')));

    await eventually(() => expect(gone).toEqual([ID]));
    expect(sink.lines.map((l) => l.text)).toEqual(['last words']);
    expect(follower!.state).toBe('stopped');
  });

  it('follows again, with backoff, after Docker fails to open the stream (a 500 from dockerd)', async () => {
    const serverError = Object.assign(new Error('(HTTP code 500) server error - EMFILE: too many open files'), { statusCode: 500 });
    source.followFailures.push(serverError, serverError);
    follow({ tail: 100 });

    await followed(1);
    source.lastFollow(ID).stream.write(muxFrame('stdout', entry(ts(1), 'finally\n')));

    await eventually(() => expect(sink.lines.map((l) => [l.seq, l.text])).toEqual([[1, 'finally']]));
    expect(source.followAttempts).toBe(3);
    expect(source.follows[0]!.options.from).toEqual({ tail: 100 });
    expect(logger.matching(/Cannot follow the logs of container web1.*EMFILE.*trying again/)).toHaveLength(1);
    expect(follower!.state).toBe('following');
  });

  it('after a stream error mid-follow, keeps trying while Docker cannot be asked, and resumes after the last line delivered: each line once, in order', async () => {
    follow({ tail: 100 });
    await followed(1);
    const first = source.lastFollow(ID).stream;
    // The last piece is half a frame: the line it starts comes again, whole, in the next stream.
    const half = muxFrame('stdout', entry(ts(4), 'four\n'));
    first.write(Buffer.concat([muxFrame('stdout', entry(ts(1), 'one\n')), muxFrame('stdout', entry(ts(2), 'two\n')), muxFrame('stderr', entry(ts(2), 'two err\n')), half.subarray(0, 12)]));
    await eventually(() => expect(sink.lines).toHaveLength(3));
    source.failure = Object.assign(new Error('connect EMFILE /var/run/docker.sock'), { code: 'EMFILE' });
    const callsBefore = source.calls;

    first.destroy(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }));
    await eventually(() => expect(source.calls - callsBefore).toBeGreaterThanOrEqual(3));
    source.failure = undefined;
    await followed(2);
    source.lastFollow(ID).stream.write(
      Buffer.concat([
        muxFrame('stdout', entry(ts(2), 'two\n')),
        muxFrame('stderr', entry(ts(2), 'two err\n')),
        half,
        muxFrame('stdout', entry(ts(5), 'five\n')),
      ]),
    );

    await eventually(() => expect(sink.lines).toHaveLength(5));
    expect(source.follows[1]!.options.from).toEqual({ since: ts(2) });
    expect(sink.lines.map((l) => [l.seq, l.text])).toEqual([
      [1, 'one'],
      [2, 'two'],
      [3, 'two err'],
      [4, 'four'],
      [5, 'five'],
    ]);
    expect(follower!.state).toBe('following');
  });

  it('takes a stream closed without its end (the connection to Docker cut) for a failure: follows again even if the container has stopped since', async () => {
    follow({ tail: 100 });
    await followed(1);
    source.lastFollow(ID).stream.write(muxFrame('stdout', entry(ts(1), 'one\n')));
    await eventually(() => expect(sink.lines).toHaveLength(1));
    source.containers.get(ID)!.running = false;

    source.lastFollow(ID).stream.destroy();

    // Docker still holds the lines the stopped container wrote after the cut.
    await followed(2);
    expect(source.follows[1]!.options.from).toEqual({ since: ts(1) });
    source.lastFollow(ID).stream.end(Buffer.concat([muxFrame('stdout', entry(ts(1), 'one\n')), muxFrame('stdout', entry(ts(2), 'two\n'))]));
    await eventually(() => expect(sink.lines.map((l) => [l.seq, l.text])).toEqual([[1, 'one'], [2, 'two']]));
    await eventually(() => expect(follower!.state).toBe('ended'));
  });

  it('on a re-check (Docker reachable again) while a failed follow waits for its retry, follows at once even if the container has stopped', async () => {
    follower = new LogFollower({ containerId: ID, source, sink, logger, request: { tail: 100, epoch: 1 }, batchDelayMs: 1, recheckDelayMs: 60_000 });
    follower.start();
    await followed(1);
    source.lastFollow(ID).stream.write(muxFrame('stdout', entry(ts(1), 'one\n')));
    await eventually(() => expect(sink.lines).toHaveLength(1));
    source.lastFollow(ID).stream.destroy(new Error('read ECONNRESET'));
    await eventually(() => expect(follower!.state).toBe('ended'));
    source.containers.get(ID)!.running = false;

    follower.recheck();

    await followed(2);
    expect(source.follows[1]!.options.from).toEqual({ since: ts(1) });
  });

  it('keeps trying a follow that keeps failing, at most maxRetryDelayMs apart, and says so once', async () => {
    source.followFailures.push(...Array.from({ length: 1000 }, () => new Error('(HTTP code 500) server error')));
    follow({ tail: 100 }, ID, 20);

    // Uncapped doubling from 5 ms would make about 7 attempts in a second; capped at 20 ms, dozens.
    await new Promise((resolve) => setTimeout(resolve, 1000));

    expect(source.followAttempts).toBeGreaterThan(20);
    expect(logger.matching(/Cannot follow the logs of container web1/)).toHaveLength(1);
  });

  it('revive() follows again at once a stream that ended, keeping the numbering; it does nothing while following', async () => {
    follow({ tail: 100 });
    await followed(1);
    source.containers.get(ID)!.running = false;
    source.lastFollow(ID).stream.end(muxFrame('stdout', entry(ts(1), 'one\n')));
    await eventually(() => expect(follower!.state).toBe('ended'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(source.follows).toHaveLength(1);
    // Started again, but the start event was missed (the event stream was down meanwhile).
    source.containers.get(ID)!.running = true;

    follower!.revive();
    await followed(2);
    follower!.revive();
    source.lastFollow(ID).stream.write(Buffer.concat([muxFrame('stdout', entry(ts(1), 'one\n')), muxFrame('stdout', entry(ts(2), 'two\n'))]));

    await eventually(() => expect(sink.lines.map((l) => [l.seq, l.text])).toEqual([[1, 'one'], [2, 'two']]));
    expect(source.follows).toHaveLength(2);
    expect(source.follows[1]!.options.from).toEqual({ since: ts(1) });
  });

  it('stops reading a stream that is not in Docker\'s format and says why', async () => {
    follow({ tail: 100 });
    await followed(1);

    source.lastFollow(ID).stream.write(Buffer.from('\x07garbage that is no frame header'));

    await eventually(() => expect(logger.matching(/Stopped following container web1: unknown Docker stream type 7/)).toHaveLength(1));
    expect(follower!.state).toBe('ended');
    // Only a later start (revive) tries again.
    follower!.revive();
    await followed(2);
  });

  it('delivers a line once, whole, when its stream was cut while its 16 KB pieces were being joined', async () => {
    follow({ tail: 100 });
    await followed(1);
    const pieces = [muxFrame('stdout', entry(ts(2), 'a'.repeat(16 * 1024))), muxFrame('stdout', entry(ts(2), 'b\n'))];
    source.lastFollow(ID).stream.write(muxFrame('stdout', entry(ts(1), 'before\n')));
    source.lastFollow(ID).stream.end(pieces[0]);

    // Docker still holds the line: following again from the last line sent, it sends it whole.
    await followed(2);
    source.lastFollow(ID).stream.write(Buffer.concat([muxFrame('stdout', entry(ts(1), 'before\n')), ...pieces]));

    await eventually(() => expect(sink.lines.at(-1)?.seq).toBe(2));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(source.follows[1]!.options.from).toEqual({ since: ts(1) });
    // One line, joined from both pieces: no fragment before it.
    expect(sink.lines.map((l) => [l.seq, l.ts, l.text.length, l.truncated])).toEqual([
      [1, ts(1), 'before'.length, undefined],
      [2, ts(2), 16 * 1024 + 1, undefined],
    ]);
  });
});
