/** The worker's answers for long lines, kept per pattern: asked once, and settled while nothing changes. */
import { describe, expect, it } from 'vitest';
import { createLongLineMatcher } from '../../web/src/state/long-line-matcher';
import type { RegexRunner } from '../../web/src/state/regex-runner';

describe('the highlights of long lines', () => {
  it('are asked of the worker a bounded number of times for a screen of 256 KB lines (10 MB), and then the view settles', async () => {
    let passes = 0;
    const runner: RegexRunner = {
      cancel() {},
      async run(request) {
        passes += 1;
        // A worker's answer comes as a message: a task of its own.
        await new Promise((resolve) => setTimeout(resolve, 0));
        return { kind: 'done', reply: { id: passes, matched: request.tests.map(() => true), ranges: request.highlights.map(() => [[0, 4] as const]) } };
      },
    };
    const onScreen = Array.from({ length: 40 }, (_, i) => `${String(i).padStart(4, '0')}${'x'.repeat(256 * 1024 - 4)}`);
    let renders = 0;
    const matcher = createLongLineMatcher(runner, /x+/i, {
      // What the filter store and LogLine do on an answer: compile again, and each row on screen asks for its highlights.
      onChange: () => {
        renders += 1;
        for (const text of onScreen) matcher.ranges(text);
      },
      onStopped: () => {},
    });

    for (const text of onScreen) matcher.ranges(text);
    for (let i = 0; i < 200; i += 1) await new Promise((resolve) => setTimeout(resolve, 0));

    // 10 MB at 4 MB a pass is 3 passes; then nothing more is asked while nothing changes.
    expect({ passes, renders }).toEqual({ passes: 3, renders: 3 });
    expect(onScreen.every((text) => matcher.ranges(text) !== undefined)).toBe(true);
  });
});
