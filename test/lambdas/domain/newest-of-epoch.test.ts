import { describe, expect, it } from 'vitest';
import { newestOfEpoch } from '../../../lambdas/domain/newest-of-epoch';

const batch = (epoch: number, lineCount: number, bytes = 0) => ({ epoch, lineCount, bytes });

describe('the newest batches of the newest epoch', () => {
  it('takes batches newest first until their lines reach the bound', () => {
    expect(newestOfEpoch([batch(2, 400), batch(2, 400), batch(2, 400), batch(2, 400)], 1000)).toHaveLength(3);
  });

  it('stops at the first batch of an older epoch', () => {
    expect(newestOfEpoch([batch(2, 10), batch(1, 10)], 1000)).toEqual([batch(2, 10)]);
  });

  it('stops before a batch that would pass the byte bound, but always takes the first', () => {
    const bytesOf = (b: { bytes: number }) => b.bytes;

    expect(newestOfEpoch([batch(2, 1, 600), batch(2, 1, 300), batch(2, 1, 200)], 1000, 1000, bytesOf)).toEqual([batch(2, 1, 600), batch(2, 1, 300)]);
    expect(newestOfEpoch([batch(2, 1, 5000)], 1000, 1000, bytesOf)).toEqual([batch(2, 1, 5000)]);
  });
});
