import { describe, expect, it } from 'vitest';
import { Sequencer } from '../../../agent/pipeline/sequencer';

describe('Sequencer', () => {
  it.each([
    [undefined, [1, 2, 3]],
    [41, [42, 43, 44]],
  ])('numbers after %s as %j', (last, expected) => {
    const sequencer = new Sequencer(last);

    expect([sequencer.next(), sequencer.next(), sequencer.next()]).toEqual(expected);
    expect(sequencer.last).toBe(expected[2]);
  });
});
