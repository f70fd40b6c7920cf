/** Skip markers in the dashboard's logic: the line buffer, the filter, and the words shown. */
import { describe, expect, it } from 'vitest';
import type { LogLine, SkippedLines } from '../../protocol';
import { createLogTimeFormat } from '../../web/src/format/log-time';
import { skipText } from '../../web/src/format/skip-text';
import { LineBuffer } from '../../web/src/state/line-buffer';
import { filterRows } from '../../web/src/state/line-filter';

const FROM = '2026-11-25T10:00:01.123456789Z';
const TO = '2026-11-25T12:13:07.999999999Z';
const line = (seq: number, text = `line ${seq}`, stream: LogLine['stream'] = 'stdout'): LogLine => ({ seq, ts: TO, stream, text });
const marker = (seq: number, skipped: Partial<SkippedLines> = {}): LogLine => ({
  seq,
  ts: TO,
  stream: 'stdout',
  text: '— 99,064 lines skipped while nobody watched (10:00:01 – 12:13:07 UTC) —',
  skipped: { reason: 'catch_up', lines: 99_064, from: FROM, to: TO, ...skipped },
});
const time = createLogTimeFormat({ timeZone: 'UTC', now: () => new Date('2026-11-25T13:00:00Z') });

describe('a skip marker in the line buffer', () => {
  it('becomes a skipped row in its place, numbered like a line, with no gap around it', () => {
    const buffer = new LineBuffer();
    buffer.addHistory([line(1), line(2)], true);

    const outcome = buffer.addLive([marker(3), line(4)]);

    expect(buffer.rows.map((row) => row.kind)).toEqual(['line', 'line', 'skipped', 'line']);
    expect(buffer.rows[2]).toMatchObject({ kind: 'skipped', key: 'line:3', seq: 3, skipped: { reason: 'catch_up', lines: 99_064 } });
    expect(outcome.gaps).toBe(0);
    expect(buffer.lastSeq).toBe(4);
  });

  it('is not counted as a line the container wrote', () => {
    const buffer = new LineBuffer();

    buffer.addHistory([line(1), marker(2), line(3)], true);

    expect(buffer.lineCount).toBe(2);
  });

  it('is dropped as a duplicate like any line when its seq comes again', () => {
    const buffer = new LineBuffer();
    buffer.addHistory([line(1), marker(2)], true);

    const outcome = buffer.addLive([marker(2), line(3)]);

    expect(outcome.duplicates).toBe(1);
    expect(buffer.rows.filter((row) => row.kind === 'skipped')).toHaveLength(1);
  });

  it('fills a gap it falls in when fetched from the cloud\'s buffer', () => {
    const buffer = new LineBuffer();
    buffer.addHistory([line(1)], true);
    buffer.addLive([line(4)]);

    buffer.fillGap(1, 3, [marker(2), line(3)], true);

    expect(buffer.rows.map((row) => row.kind)).toEqual(['line', 'skipped', 'line', 'line']);
  });
});

describe('filtering with skip markers', () => {
  const buffer = new LineBuffer();
  buffer.addHistory([line(1, 'GET / 200'), marker(2), line(3, 'boom', 'stderr')], true);

  it('keeps markers in place whatever the query: lines are missing there, matching ones perhaps', () => {
    expect(filterRows(buffer.rows, { query: 'boom', stream: 'all' }).map((row) => row.key)).toEqual(['line:2', 'line:3']);
  });

  it('keeps markers when only one stream is shown', () => {
    expect(filterRows(buffer.rows, { query: '', stream: 'stderr' }).map((row) => row.key)).toEqual(['line:2', 'line:3']);
  });

  it('never matches a marker\'s own wording as if it were a line', () => {
    const matched = filterRows(buffer.rows, { query: 'nobody watched', stream: 'all' });

    expect(matched.filter((row) => row.kind === 'line')).toEqual([]);
  });
});

describe('skipText', () => {
  it('says how many lines were skipped, why, and between which times, in the viewer\'s time', () => {
    expect(skipText(marker(1).skipped!, time)).toMatchObject({
      summary: '99,064 lines skipped while nobody watched',
      span: '10:00:01.123 – 12:13:07.999',
    });
  });

  it.each([
    [{ lines: 512_000, atLeast: true as const }, 'At least 512,000 lines skipped while nobody watched'],
    [{ lines: 0, atLeast: true as const }, 'Lines may have been skipped while nobody watched (not counted in time)'],
    [{ lines: 1 }, '1 line skipped while nobody watched'],
    [{ reason: 'rotated' as const, lines: undefined }, "Lines lost: Docker's log rotation removed them before they were read"],
    [{ reason: 'refused' as const, lines: 3 }, '3 lines refused by the cloud'],
  ])('words %o as "%s"', (fields, summary) => {
    const skipped = { ...marker(1).skipped!, ...fields };
    if (fields.lines === undefined) delete skipped.lines;

    expect(skipText(skipped, time).summary).toBe(summary);
  });
});
