import { describe, expect, it } from 'vitest';
import { fitLine, serializedLineBytes } from '../../../agent/pipeline/fit-line';
import { byteLength, type LogLine } from '../../../protocol';
import { ts } from '../support/docker-bytes';

function line(text: string, extra: Partial<LogLine> = {}): LogLine {
  return { seq: 42, ts: ts(1), stream: 'stdout', text, ...extra };
}

describe('serializedLineBytes', () => {
  it.each([
    ['plain ASCII', line('GET /health 200 3ms')],
    ['an empty text', line('')],
    ['a truncated line', line('cut here', { truncated: true })],
    ['stderr and a large seq', line('oops', { stream: 'stderr', seq: 12_345_678_901 })],
    ['quotes and backslashes', line('say "hi" \\ bye')],
    ['control characters', line('tab\there\u0000\u001f\u007f')],
    ['multibyte characters', line('héllo € 𝄞')],
    ['a lone surrogate', line('broken \ud83d pair')],
    ['a timestamp with an offset', line('x', { ts: '2024-01-02T04:04:05.5+01:00' })],
    ['a skip marker', line('3 lines skipped', { skipped: { reason: 'catch_up', lines: 3, atLeast: true, from: ts(1), to: ts(2) } })],
    ['a seq of one digit', line('x', { seq: 7 })],
    ['a seq of sixteen digits', line('x', { seq: 9_007_199_254_740_991 })],
  ])('counts the UTF-8 bytes of the line\'s JSON exactly, for %s', (_case, value) => {
    expect(serializedLineBytes(value)).toBe(byteLength(JSON.stringify(value)));
  });
});

describe('fitLine', () => {
  it('returns a line that fits as it is, with its serialized size', () => {
    const value = line('fits');

    expect(fitLine(value, 1000)).toEqual({ line: value, bytes: byteLength(JSON.stringify(value)) });
  });

  it.each([
    ['ASCII', 'x'.repeat(500)],
    ['escaped characters', '"\\\n'.repeat(200)],
    ['multibyte characters', '€𝄞'.repeat(200)],
  ])('cuts a line of %s to the longest prefix that fits, flagged truncated, with the size of what it returns', (_case, text) => {
    const { line: fitted, bytes } = fitLine(line(text), 300);

    expect(fitted.truncated).toBe(true);
    expect(text.startsWith(fitted.text)).toBe(true);
    expect(bytes).toBe(byteLength(JSON.stringify(fitted)));
    expect(bytes).toBeLessThanOrEqual(300);
  });
});
