import { describe, expect, it } from 'vitest';
import { CatchUp, type CatchUpOptions, type SkipCount } from '../../../agent/pipeline/catch-up';
import type { FramedLine } from '../../../agent/pipeline/line-framer';
import { lineObjectBytes } from '../../../agent/transport/memory-budget';
import { ts } from '../support/docker-bytes';

const at = (n: number, text = `l${n}`): FramedLine => ({ ts: ts(n), stream: 'stdout', text });

/** A CatchUp whose count the spec settles by hand, recording what goes on. */
function catchUp(tail = 2, extra: Partial<CatchUpOptions> = {}) {
  const out: string[] = [];
  let settle!: (count: SkipCount) => void;
  let fail!: (error: Error) => void;
  const counted: FramedLine[] = [];
  let released = 0;
  const gate = new CatchUp({
    tail,
    resumeTs: ts(5),
    count: (first) => {
      counted.push(first);
      return new Promise<SkipCount>((resolve, reject) => {
        settle = resolve;
        fail = reject;
      });
    },
    line: (line) => out.push(line.text),
    marker: (marker, skipped) =>
      out.push(
        marker.skipped!.reason === 'rotated'
          ? `rotated ${marker.skipped!.from} to ${marker.skipped!.to}`
          : `marker ${marker.skipped!.lines}${marker.skipped!.atLeast ? '+' : ''} to ${marker.ts === skipped?.ts ? 'skipped' : marker.ts}`,
      ),
    onReleased: () => (released += 1),
    ...extra,
  });
  return { gate, out, counted, settle: (c: SkipCount) => settle(c), fail: (e: Error) => fail(e), released: () => released };
}

describe('CatchUp', () => {
  it('passes every line on at once after a line already sent was dropped: the window reached back', () => {
    const { gate, out, counted } = catchUp();

    gate.dropped();
    gate.accept(at(6));
    gate.accept(at(7));

    expect(out).toEqual(['l6', 'l7']);
    expect(counted).toEqual([]);
    expect(gate.state).toBe('done');
  });

  it('holds the lines after the first while counting, then sends the marker (the first line skipped with the rest) and them', async () => {
    const { gate, out, counted, settle, released } = catchUp();
    gate.accept(at(10));
    gate.accept(at(11));
    gate.accept(at(12));
    expect(counted).toEqual([at(10)]);
    expect(out).toEqual([]);

    settle({ before: 7, exact: true, first: ts(6) });
    await gate.released;

    expect(out).toEqual(['marker 8 to skipped', 'l11', 'l12']);
    expect(released()).toBe(1);
    gate.accept(at(13));
    expect(out.at(-1)).toBe('l13');
  });

  it('says "at least" when the count is a lower bound', async () => {
    const { gate, out, settle } = catchUp();
    gate.accept(at(10));

    settle({ before: 3, exact: false, first: ts(6) });
    await gate.released;

    expect(out).toEqual(['marker 4+ to skipped']);
  });

  it('sends the first line without a marker when nothing lay before it', async () => {
    const { gate, out, settle } = catchUp();
    gate.accept(at(10));
    gate.accept(at(11));

    settle({ before: 0, exact: true });
    await gate.released;

    expect(out).toEqual(['l10', 'l11']);
  });

  it('skips no line it has no proof for when the count failed or found nothing in time: an uncounted marker, then the first line', async () => {
    const { gate, out, fail } = catchUp();
    gate.accept(at(10));

    fail(new Error('Docker answered 500'));
    await gate.released;

    expect(out).toEqual([`marker 0+ to ${ts(10)}`, 'l10']);
  });

  it('is full past `tail` held lines, so the follower pauses its stream', () => {
    const { gate } = catchUp(2);
    gate.accept(at(10));
    gate.accept(at(11));
    gate.accept(at(12));
    expect(gate.isFull()).toBe(false);

    gate.accept(at(13));

    expect(gate.isFull()).toBe(true);
  });

  it('sends nothing it held once cancelled (the stream failed or stopped), however the count ends', async () => {
    const { gate, out, settle, released } = catchUp();
    gate.accept(at(10));
    gate.accept(at(11));

    gate.cancel();
    settle({ before: 5, exact: true, first: ts(6) });
    await gate.released;

    expect(out).toEqual([]);
    expect(released()).toBe(0);
    expect(gate.state).toBe('cancelled');
  });

  it('puts a rotated marker first when the count found the resume point\'s line gone: rotation removed lines no count can know', async () => {
    const { gate, out, settle } = catchUp();
    gate.accept(at(10));
    gate.accept(at(11));
    gate.accept(at(12));

    settle({ before: 3, exact: true, first: ts(8), rotated: true });
    await gate.released;

    expect(out).toEqual([`rotated ${ts(5)} to ${ts(8)}`, 'marker 4 to skipped', 'l11', 'l12']);
  });

  it('marks a rotation even when nothing Docker still holds was skipped', async () => {
    const { gate, out, settle } = catchUp();
    gate.accept(at(10));

    settle({ before: 0, exact: true, rotated: true });
    await gate.released;

    expect(out).toEqual([`rotated ${ts(5)} to ${ts(10)}`, 'l10']);
  });

  describe('counting what it holds against the memory bound', () => {
    it.each([
      ['skipped with the lines before it', { before: 7, exact: true, first: ts(6) }],
      ['sent, nothing lay before it', { before: 0, exact: true }],
    ] as const)('counts the first line from the moment it is held for the count, and releases it once, before it goes on: %s', async (_, count) => {
      let heldWhenSent: number | undefined;
      const { gate, settle } = catchUp(2, { line: () => (heldWhenSent = gate.heldBytes) });
      const first = at(10, 'x'.repeat(1000));
      gate.accept(first);
      expect(gate.heldBytes).toBe(lineObjectBytes(first.text));

      gate.accept(at(11));
      expect(gate.heldBytes).toBe(lineObjectBytes(first.text) + lineObjectBytes('l11'));
      settle(count);
      await gate.released;

      expect(gate.heldBytes).toBe(0);
      // The last line handed on is no longer counted here: the batch it joins counts it.
      expect(heldWhenSent).toBe(0);
    });

    it('holds nothing once cancelled while counting its first line', () => {
      const { gate } = catchUp();
      gate.accept(at(10));

      gate.cancel();

      expect(gate.heldBytes).toBe(0);
    });
  });

  describe('releasing the held lines within the memory bound', () => {
    /** A sink that is congested until the spec drains it; `drained` waits for that (or for the catch-up's cancel). */
    function congestion() {
      let congested = true;
      const waiters: (() => void)[] = [];
      return {
        isCongested: () => congested,
        drained: (signal: AbortSignal) =>
          new Promise<void>((resolve) => {
            waiters.push(resolve);
            signal.addEventListener('abort', () => resolve(), { once: true });
          }),
        set: (value: boolean) => (congested = value),
        drain: () => waiters.splice(0).forEach((resolve) => resolve()),
      };
    }
    const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

    it('sends no held line while the sink is congested, and the rest once it drains', async () => {
      const sink = congestion();
      const { gate, out, settle, released } = catchUp(3, { isCongested: sink.isCongested, drained: sink.drained });
      gate.accept(at(10));
      gate.accept(at(11));
      gate.accept(at(12));

      settle({ before: 2, exact: true, first: ts(7) });
      await tick();
      expect(out).toEqual(['marker 3 to skipped']);
      expect(gate.state).not.toBe('done');
      expect(released()).toBe(0);

      sink.set(false);
      sink.drain();
      await gate.released;
      expect(out).toEqual(['marker 3 to skipped', 'l11', 'l12']);
      expect(released()).toBe(1);
      expect(gate.state).toBe('done');
    });

    it('keeps the order: a line that comes while it still releases goes after the held ones', async () => {
      const sink = congestion();
      const { gate, out, settle } = catchUp(3, { isCongested: sink.isCongested, drained: sink.drained });
      gate.accept(at(10));
      gate.accept(at(11));
      settle({ before: 0, exact: true });
      await tick();

      gate.accept(at(12));
      expect(gate.isFull()).toBe(true);
      sink.set(false);
      sink.drain();
      await gate.released;

      expect(out).toEqual(['l10', 'l11', 'l12']);
      gate.accept(at(13));
      expect(out.at(-1)).toBe('l13');
    });

    it('stops releasing when cancelled while it waits for the sink to drain', async () => {
      const sink = congestion();
      const { gate, out, settle, released } = catchUp(3, { isCongested: sink.isCongested, drained: sink.drained });
      gate.accept(at(10));
      gate.accept(at(11));
      settle({ before: 0, exact: true });
      await tick();

      gate.cancel();
      await gate.released;
      sink.set(false);
      sink.drain();
      await tick();

      expect(out).toEqual(['l10']);
      expect(released()).toBe(0);
      expect(gate.heldBytes).toBe(0);
    });
  });
});
