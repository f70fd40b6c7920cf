import { describe, expect, it } from 'vitest';
import { byteLength, encode } from '../../../protocol';
import { historyMessages } from '../../../lambdas/domain/history-messages';
import { container, lines } from './in-memory-deps';

describe('historyMessages', () => {
  it('is one done message when the history is empty', () => {
    expect(historyMessages(container(), [])).toEqual([
      { action: 'log.history', agentId: 'host-1', containerId: 'c1', lines: [], done: true },
    ]);
  });

  it.each([
    ['a tiny limit', 600],
    ['a 2 KB limit', 2048],
    ['a 10 KB limit', 10_240],
  ])('keeps every message under %s and loses no line', (_name, maxBytes) => {
    const history = lines(1, 200, (seq) => `line ${seq} ${'é'.repeat(seq % 17)}`);

    const messages = historyMessages(container(), history, { maxBytes });

    for (const message of messages) expect(byteLength(encode(message))).toBeLessThan(maxBytes);
    expect(messages.flatMap((m) => m.lines)).toEqual(history);
    expect(messages.filter((m) => m.done)).toEqual([messages[messages.length - 1]]);
  });

  it('marks only the first message of a reset history, and keeps every message under the limit', () => {
    const history = lines(1, 200, (seq) => `line ${seq}`);

    const messages = historyMessages(container(), history, { maxBytes: 2048, reset: true });

    expect(messages.length).toBeGreaterThan(1);
    expect(messages.map((m) => 'reset' in m)).toEqual([true, ...Array(messages.length - 1).fill(false)]);
    expect(messages[0]!.reset).toBe(true);
    for (const message of messages) expect(byteLength(encode(message))).toBeLessThan(2048);
    expect(messages.flatMap((m) => m.lines)).toEqual(history);
  });

  it('leaves reset out of a history that did not start over', () => {
    const messages = historyMessages(container(), lines(1, 200), { maxBytes: 2048 });

    expect(messages.some((m) => 'reset' in m)).toBe(false);
  });

  it('still sends a line too big for any message, alone, rather than dropping it', () => {
    const [huge] = lines(1, 1, () => 'x'.repeat(5000));

    const messages = historyMessages(container(), [...lines(1, 1), { ...huge!, seq: 2 }, ...lines(3, 3)], { maxBytes: 1000 });

    expect(messages.map((m) => m.lines.map((l) => l.seq))).toEqual([[1], [2], [3]]);
  });
});
