import { describe, expect, it } from 'vitest';
import { splitIntoFrames } from '../../../agent/transport/frame-splitter';

describe('splitIntoFrames', () => {
  it('keeps a message that fits as one frame', () => {
    const message = Buffer.from('{"action":"ping"}');

    expect(splitIntoFrames(message, 100)).toEqual([message]);
  });

  it.each([
    ['ASCII', 'a'.repeat(1000)],
    ['2-byte characters', 'é'.repeat(500)],
    ['3-byte characters', '€'.repeat(400)],
    ['4-byte characters', '𝄞'.repeat(300)],
    ['a mix', 'a€𝄞é'.repeat(120)],
  ])('cuts %s into frames of at most the limit, each valid UTF-8, that join back to the message', (_, text) => {
    const message = Buffer.from(text, 'utf8');

    const frames = splitIntoFrames(message, 64);

    expect(Buffer.concat(frames).equals(message)).toBe(true);
    for (const frame of frames) {
      expect(frame.length).toBeGreaterThan(0);
      expect(frame.length).toBeLessThanOrEqual(64);
      expect(Buffer.from(frame.toString('utf8'), 'utf8').equals(frame)).toBe(true);
    }
  });

  it('refuses a frame size that cannot hold a character', () => {
    expect(() => splitIntoFrames(Buffer.from('abc'), 3)).toThrow(RangeError);
  });
});
