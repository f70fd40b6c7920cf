import { describe, expect, it } from 'vitest';
import { skipMarker } from '../../../agent/pipeline/skip-marker';
import { LogLine } from '../../../protocol';

const FROM = '2026-11-25T10:00:01.123456789Z';
const TO = '2026-11-25T12:13:07.999999999Z';

describe('skipMarker', () => {
  it('builds a counted catch-up marker stamped with the last skipped line and a text saying the same', () => {
    const marker = skipMarker({ reason: 'catch_up', lines: 99_064, from: FROM, to: TO });

    expect(marker).toEqual({
      ts: TO,
      stream: 'stdout',
      text: '— 99,064 lines skipped while nobody watched (10:00:01 – 12:13:07 UTC) —',
      skipped: { reason: 'catch_up', lines: 99_064, from: FROM, to: TO },
    });
  });

  it('says "at least" for a lower bound and keeps atLeast only then', () => {
    const bound = skipMarker({ reason: 'catch_up', lines: 512_000, atLeast: true, from: FROM, to: TO });
    const exact = skipMarker({ reason: 'catch_up', lines: 3, atLeast: false, from: FROM, to: TO });

    expect(bound.text).toBe('— at least 512,000 lines skipped while nobody watched (10:00:01 – 12:13:07 UTC) —');
    expect(bound.skipped).toEqual({ reason: 'catch_up', lines: 512_000, atLeast: true, from: FROM, to: TO });
    expect(exact.skipped).not.toHaveProperty('atLeast');
  });

  it.each([
    ['rotated', undefined, "— lines lost: Docker's log rotation removed them before they were read (10:00:01 – 12:13:07 UTC) —"],
    ['refused', 1, '— 1 line refused by the cloud for good (10:00:01 – 12:13:07 UTC) —'],
  ] as const)('words a %s marker', (reason, lines, text) => {
    const marker = skipMarker({ reason, ...(lines !== undefined ? { lines } : {}), from: FROM, to: TO });

    expect(marker.text).toBe(text);
    expect(marker.skipped).toEqual({ reason, ...(lines !== undefined ? { lines } : {}), from: FROM, to: TO });
  });

  it('names the dates when the span crosses midnight, and never rounds a time up', () => {
    const marker = skipMarker({ reason: 'catch_up', lines: 2, from: '2026-11-24T23:59:59.999999999Z', to: '2026-11-25T00:00:00.000000001Z' });

    expect(marker.text).toBe('— 2 lines skipped while nobody watched (2026-11-24 23:59:59 – 2026-11-25 00:00:00 UTC) —');
  });

  it('is a valid log line of the protocol once numbered', () => {
    const marker = skipMarker({ reason: 'catch_up', lines: 10, atLeast: true, from: FROM, to: TO });

    expect(LogLine.safeParse({ seq: 7, ...marker }).success).toBe(true);
  });
});

describe('skipMarker for a span nothing could be counted in', () => {
  it('says lines may be missing there, uncounted, and says "at least 0" in its field', () => {
    const marker = skipMarker({ reason: 'catch_up', lines: 0, atLeast: true, from: FROM, to: TO });

    expect(marker.text).toBe('— lines may have been skipped while nobody watched, uncounted (10:00:01 – 12:13:07 UTC) —');
    expect(marker.skipped).toEqual({ reason: 'catch_up', lines: 0, atLeast: true, from: FROM, to: TO });
  });
});
