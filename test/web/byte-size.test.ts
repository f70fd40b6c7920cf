import { describe, expect, it } from 'vitest';
import { formatBytes, truncatedText } from '../../web/src/format/byte-size';

describe('a cut line says how long it was', () => {
  it.each([
    [812, '812 B'],
    [16 * 1024, '16 KB'],
    [262_144, '256 KB'],
    [1_048_576, '1 MB'],
    [1_300_000, '1.2 MB'],
  ])('%i bytes read as %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });

  it('names the whole line’s size when the agent gave it, and only says "truncated" when not', () => {
    expect(truncatedText(1_048_576)).toMatchObject({ label: 'truncated · 1 MB line', title: expect.stringContaining('1,048,576 bytes') });
    expect(truncatedText(undefined).label).toBe('truncated');
  });
});
