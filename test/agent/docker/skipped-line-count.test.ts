/**
 * countSkippedLines on in-memory Docker streams (the real engine's reads: skipped-line-count.int.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { countSkippedLines } from '../../../agent/docker/skipped-line-count';
import { entry, muxFrame, ts } from '../support/docker-bytes';
import { eventually } from '../support/eventually';
import { FakeContainerSource } from '../support/fake-container-source';

describe('countSkippedLines', () => {
  it('stops a span read that is not in Docker\'s format and gives what it counted as a lower bound, never throwing out of the stream', async () => {
    const source = new FakeContainerSource();
    source.addContainer('c1');
    const counting = countSkippedLines({
      source,
      containerId: 'c1',
      resume: { ts: ts(1), textsAtTs: [] },
      last: { ts: ts(10), text: 'w10' },
      after: () => [],
      budgetMs: 5_000,
    });
    await eventually(() => expect(source.follows).toHaveLength(1));
    const { stream } = source.follows[0]!;

    stream.write(muxFrame('stdout', entry(ts(2), 's2\n')));
    // Stream type 9 is no Docker stream: the demuxer rejects the frame.
    expect(() => stream.write(Buffer.from([9, 0, 0, 0, 0, 0, 0, 3, 97, 98, 99]))).not.toThrow();

    await expect(counting).resolves.toMatchObject({ before: 1, exact: false, first: ts(2) });
    expect(stream.destroyed).toBe(true);
  });

  it('stops its read at once when its signal aborts (the catch-up was cancelled), before its budget', async () => {
    const source = new FakeContainerSource();
    source.addContainer('c1');
    const cancel = new AbortController();
    const counting = countSkippedLines({
      source,
      containerId: 'c1',
      resume: { ts: ts(1), textsAtTs: [] },
      last: { ts: ts(10), text: 'w10' },
      after: () => [],
      budgetMs: 60_000,
      signal: cancel.signal,
    });
    await eventually(() => expect(source.follows).toHaveLength(1));

    cancel.abort();

    await eventually(() => expect(source.follows[0]!.stream.destroyed).toBe(true));
    await expect(counting).resolves.toMatchObject({ exact: false });
  });
});
