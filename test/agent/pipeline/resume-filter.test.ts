import { describe, expect, it } from 'vitest';
import { ResumeFilter } from '../../../agent/pipeline/resume-filter';
import { ts } from '../support/docker-bytes';

function passing(filter: ResumeFilter, lines: { ts: string; text: string }[]): { ts: string; text: string }[] {
  return lines.filter((line) => filter.accepts(line));
}

describe('ResumeFilter', () => {
  it('drops the lines Docker\'s inclusive `since` repeats, matched by timestamp and text', () => {
    const filter = new ResumeFilter({ ts: ts(5), textsAtTs: ['GET / 200'] });

    const kept = passing(filter, [
      { ts: ts(5), text: 'GET / 200' },
      { ts: ts(6), text: 'GET /health 200' },
    ]);

    expect(kept).toEqual([{ ts: ts(6), text: 'GET /health 200' }]);
  });

  it('drops lines older than the resume point before the first line at or after it', () => {
    const filter = new ResumeFilter({ ts: ts(5), textsAtTs: [] });

    const kept = passing(filter, [
      { ts: ts(4), text: 'old' },
      { ts: '2024-01-02T03:03:59.999999999Z', text: 'older' },
    ]);

    expect(kept).toEqual([]);
  });

  it('keeps new lines stamped before the resume point once Docker has reached it: the clock stepped back', () => {
    // Docker's `since` skips lines until the first at or after it, then sends every later line,
    // whatever its timestamp: after a backward clock step those are new lines with older stamps.
    const filter = new ResumeFilter({ ts: ts(5), textsAtTs: ['last sent'] });

    const kept = passing(filter, [
      { ts: ts(5), text: 'last sent' },
      { ts: ts(2), text: 'after the step back' },
      { ts: ts(3), text: 'still before the resume point' },
      { ts: ts(6), text: 'caught up' },
    ]);

    expect(kept).toEqual([
      { ts: ts(2), text: 'after the step back' },
      { ts: ts(3), text: 'still before the resume point' },
      { ts: ts(6), text: 'caught up' },
    ]);
  });

  it('keeps older lines after a newer first line too, when Docker returns none of the repeats', () => {
    const filter = new ResumeFilter({ ts: ts(5), textsAtTs: ['rotated away'] });

    expect(passing(filter, [{ ts: ts(7), text: 'new' }, { ts: ts(1), text: 'new, clock stepped back' }])).toEqual([
      { ts: ts(7), text: 'new' },
      { ts: ts(1), text: 'new, clock stepped back' },
    ]);
  });

  it('keeps a line at the resume timestamp whose text the cloud does not have', () => {
    const filter = new ResumeFilter({ ts: ts(5), textsAtTs: ['seen'] });

    const kept = passing(filter, [
      { ts: ts(5), text: 'seen' },
      { ts: ts(5), text: 'new at the same instant' },
    ]);

    expect(kept).toEqual([{ ts: ts(5), text: 'new at the same instant' }]);
  });

  it('uses each text once: a repeated line beyond the copies the cloud holds is new', () => {
    const filter = new ResumeFilter({ ts: ts(5), textsAtTs: ['tick', 'tick'] });

    const kept = passing(filter, [
      { ts: ts(5), text: 'tick' },
      { ts: ts(5), text: 'tick' },
      { ts: ts(5), text: 'tick' },
    ]);

    expect(kept).toEqual([{ ts: ts(5), text: 'tick' }]);
  });

  it('never drops by count: when Docker returns fewer repeats than the cloud holds, new lines still pass', () => {
    // The cloud holds 3 lines at ts(5); Docker (rotated log) returns only one of them, then new lines.
    const filter = new ResumeFilter({ ts: ts(5), textsAtTs: ['a', 'b', 'c'] });

    const kept = passing(filter, [
      { ts: ts(5), text: 'c' },
      { ts: ts(6), text: 'd' },
      { ts: ts(7), text: 'e' },
    ]);

    expect(kept).toEqual([
      { ts: ts(6), text: 'd' },
      { ts: ts(7), text: 'e' },
    ]);
  });

  it('compares to the nanosecond, not the millisecond', () => {
    const filter = new ResumeFilter({ ts: '2024-01-02T03:04:05.123456789Z', textsAtTs: ['x'] });

    const kept = passing(filter, [
      { ts: '2024-01-02T03:04:05.123456788Z', text: 'a nanosecond before' },
      { ts: '2024-01-02T03:04:05.123456789Z', text: 'x' },
      { ts: '2024-01-02T03:04:05.123456790Z', text: 'x' },
    ]);

    expect(kept).toEqual([{ ts: '2024-01-02T03:04:05.123456790Z', text: 'x' }]);
  });

  it('resuming after a skip marker (its ts, no texts: a marker is never a line Docker sends) passes every line stamped exactly then, and no older one', () => {
    const filter = new ResumeFilter({ ts: ts(5), textsAtTs: [] });

    const kept = passing(filter, [
      { ts: ts(4), text: 'before the span' },
      { ts: ts(5), text: '— 2 lines skipped while nobody watched (03:04:00 – 03:04:00 UTC) —' },
      { ts: ts(5), text: 'the last skipped line, shown once' },
      { ts: ts(6), text: 'new' },
    ]);

    expect(kept.map((l) => l.text)).toEqual([
      '— 2 lines skipped while nobody watched (03:04:00 – 03:04:00 UTC) —',
      'the last skipped line, shown once',
      'new',
    ]);
  });
});
