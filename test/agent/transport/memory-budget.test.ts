import { describe, expect, it, vi } from 'vitest';
import { MemoryBudget, stringBytes } from '../../../agent/transport/memory-budget';

describe('MemoryBudget', () => {
  it('refuses a bound that is not a positive number of bytes', () => {
    expect(() => new MemoryBudget({ maxBytes: 0 })).toThrow(RangeError);
    expect(() => new MemoryBudget({ maxBytes: 1.5 })).toThrow(/positive number of bytes/);
  });

  it('adds up what every account holds, and remembers the most it held', () => {
    const budget = new MemoryBudget({ maxBytes: 1000, marginBytes: 0 });
    budget.open('a');
    budget.open('b');
    budget.adjust('a', 300);
    budget.adjust('b', 200);
    budget.adjust('a', -100);

    expect(budget.heldBytes).toBe(400);
    expect(budget.peakBytes).toBe(500);
    budget.close('a');
    expect(budget.heldBytes).toBe(200);
  });

  it.each([
    // [held by a, held by b, is a over?]
    [300, 100, false], // under half the bound: anyone grows
    [600, 0, true], // past half, and a holds more than its share (500 of two)
    [400, 200, false], // past half, but a is within its share
    [450, 550, true], // at the bound: nobody grows
  ])('with a holding %i and b %i of 1000, a is over: %s', (a, b, over) => {
    const budget = new MemoryBudget({ maxBytes: 1000, marginBytes: 0 });
    budget.open('a');
    budget.open('b');
    budget.adjust('a', a);
    budget.adjust('b', b);

    expect(budget.isOver('a')).toBe(over);
  });

  it('pauses a margin short of the bound (at most half of it)', () => {
    const budget = new MemoryBudget({ maxBytes: 1000, marginBytes: 200 });
    budget.open('a');
    budget.adjust('a', 799);
    expect(budget.isOver('a')).toBe(false);
    budget.adjust('a', 1);
    expect(budget.isOver('a')).toBe(true);
    expect(new MemoryBudget({ maxBytes: 1000, marginBytes: 900 }).isOver('x')).toBe(false);
  });

  it('wakes a paused account at three quarters of the thresholds, once', async () => {
    const budget = new MemoryBudget({ maxBytes: 1000, marginBytes: 0 });
    budget.open('a');
    budget.adjust('a', 1000);
    const woken = vi.fn();
    budget.onceUnder('a', woken);

    budget.adjust('a', -200);
    expect(woken).not.toHaveBeenCalled();
    budget.adjust('a', -100);
    budget.adjust('a', -100);

    expect(woken).toHaveBeenCalledTimes(1);
  });

  it('wakes the others when an account closes and its share is theirs', () => {
    const budget = new MemoryBudget({ maxBytes: 1000, marginBytes: 0 });
    budget.open('a');
    budget.open('b');
    budget.adjust('a', 600);
    const woken = vi.fn();
    budget.onceUnder('a', woken);

    budget.close('b');

    expect(woken).toHaveBeenCalledTimes(1);
  });

  it('counts strings as V8 stores them: one byte a character for ASCII, two otherwise', () => {
    expect(stringBytes('hello')).toBe(5);
    expect(stringBytes('héllo €')).toBe(14);
  });
});
