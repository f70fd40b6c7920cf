import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RegexPassReply, RegexPassRequest } from '../../web/src/state/regex-pass';
import { runRegexPass } from '../../web/src/state/regex-pass';
import { createRegexRunner, type RegexWorker } from '../../web/src/state/regex-runner';

/** A worker that answers when told to, or never (a pattern backtracking for ever). */
class FakeWorker implements RegexWorker {
  onmessage: ((event: { data: RegexPassReply }) => void) | null = null;
  onerror: ((event: { message?: string }) => void) | null = null;
  readonly requests: RegexPassRequest[] = [];
  terminated = false;
  postMessage(request: RegexPassRequest): void {
    this.requests.push(request);
  }
  terminate(): void {
    this.terminated = true;
  }
  answer(): void {
    this.onmessage?.({ data: runRegexPass(this.requests.at(-1)!) });
  }
}

const pass = { source: 'err', flags: 'i', tests: ['an ERROR', 'fine'], highlights: ['err err'] };

describe('the regex runner', () => {
  let workers: FakeWorker[];
  const spawn = () => {
    const worker = new FakeWorker();
    workers.push(worker);
    return worker;
  };

  beforeEach(() => {
    workers = [];
    vi.useFakeTimers();
  });
  afterEach(() => vi.useRealTimers());

  it('starts no worker until a pass is asked for, then gives the worker’s answer', async () => {
    const runner = createRegexRunner(spawn, 1_000);
    expect(workers).toHaveLength(0);

    const outcome = runner.run(pass);
    workers[0]!.answer();

    expect(await outcome).toEqual({ kind: 'done', reply: { id: 1, matched: [true, false], ranges: [[[0, 3], [4, 7]]] } });
  });

  it('ends a worker that takes longer than the budget, and starts a new one for the next pass', async () => {
    const runner = createRegexRunner(spawn, 1_000);

    const outcome = runner.run(pass);
    await vi.advanceTimersByTimeAsync(1_000);

    expect(await outcome).toEqual({ kind: 'timeout', budgetMs: 1_000 });
    expect(workers[0]!.terminated).toBe(true);

    const next = runner.run(pass);
    expect(workers).toHaveLength(2);
    workers[1]!.answer();
    expect((await next).kind).toBe('done');
  });

  it('reuses the worker for the next pass when the last one finished in time', async () => {
    const runner = createRegexRunner(spawn, 1_000);
    const first = runner.run(pass);
    workers[0]!.answer();
    await first;
    const second = runner.run(pass);
    workers[0]!.answer();

    expect((await second).kind).toBe('done');
    expect(workers).toHaveLength(1);
  });

  it('cancels the pass in flight, ending its worker, when another is started', async () => {
    const runner = createRegexRunner(spawn, 1_000);
    const first = runner.run(pass);
    const second = runner.run({ ...pass, source: 'fine' });

    expect(await first).toEqual({ kind: 'cancelled' });
    expect(workers[0]!.terminated).toBe(true);
    workers[1]!.answer();
    expect(await second).toMatchObject({ kind: 'done', reply: { matched: [false, true] } });
  });

  it('reports a worker that fails or cannot start', async () => {
    const runner = createRegexRunner(spawn, 1_000);
    const outcome = runner.run(pass);
    workers[0]!.onerror?.({ message: 'boom' });
    expect(await outcome).toEqual({ kind: 'failed', message: 'boom' });

    const refused = createRegexRunner(() => {
      throw new Error('workers are not allowed here');
    });
    expect(await refused.run(pass)).toEqual({ kind: 'failed', message: 'workers are not allowed here' });
  });
});
