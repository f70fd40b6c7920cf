import { describe, expect, it } from 'vitest';
import { RotationCheck } from '../../../agent/pipeline/rotation-check';
import { LogLine } from '../../../protocol';
import { ts } from '../support/docker-bytes';

describe('RotationCheck', () => {
  it('finds nothing when the first line at or after the resume point is stamped exactly at it', () => {
    const check = new RotationCheck(ts(5));

    expect(check.inspect({ ts: ts(5) })).toBeUndefined();
    expect(check.inspect({ ts: ts(9) })).toBeUndefined();
  });

  it('yields a rotated marker without a count when that first line is later, bounding the span lost', () => {
    const check = new RotationCheck(ts(5));

    const marker = check.inspect({ ts: ts(9) });

    expect(marker).toMatchObject({ ts: ts(9), stream: 'stdout', skipped: { reason: 'rotated', from: ts(5), to: ts(9) } });
    expect(marker!.skipped).not.toHaveProperty('lines');
    expect(LogLine.parse({ seq: 1, ...marker })).toEqual({ seq: 1, ...marker });
    expect(marker!.text).toMatch(/^— lines lost: Docker's log rotation removed them before they were read \(.+ – .+ UTC\) —$/);
  });

  it('passes over lines stamped before the resume point and decides on the first one at or after it, once', () => {
    const check = new RotationCheck(ts(5));

    expect(check.inspect({ ts: ts(3) })).toBeUndefined();
    expect(check.inspect({ ts: ts(7) })).toBeDefined();
    expect(check.inspect({ ts: ts(8) })).toBeUndefined();
  });
});
