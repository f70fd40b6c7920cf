import { describe, expect, it } from 'vitest';
import { generateLogs, InvalidGenerateOptionsError, lineNumber } from '../../bench/realistic-logs';

const linesOf = (output: Buffer) => output.toString('utf8').split('\n').slice(0, -1);

describe('generateLogs', () => {
  it('is deterministic: the same seed gives the same output, another seed another', () => {
    const a = generateLogs({ seed: 7, targetBytes: 50_000 });
    const b = generateLogs({ seed: 7, targetBytes: 50_000 });
    const c = generateLogs({ seed: 8, targetBytes: 50_000 });

    expect(a.output.equals(b.output)).toBe(true);
    expect(a.output.equals(c.output)).toBe(false);
  });

  it('numbers every line 1…N in output order, and counts its lines and text bytes (newlines not included)', () => {
    const logs = generateLogs({ seed: 1, targetBytes: 200_000 });
    const lines = linesOf(logs.output);

    expect(lines.map(lineNumber)).toEqual(lines.map((_, i) => i + 1));
    expect(logs.lines).toBe(lines.length);
    expect(logs.textBytes).toBe(logs.output.length - lines.length);
    expect(logs.textBytes).toBeGreaterThanOrEqual(200_000);
  });

  it('stops at exactly the number of lines asked for, cutting a stack trace short', () => {
    for (const seed of [1, 2, 3]) expect(linesOf(generateLogs({ seed, lines: 1_234 }).output)).toHaveLength(1_234);
  });

  it('mixes access logs, JSON application logs with request ids, and Java and Node stack traces, hardly ever repeating a line', () => {
    const lines = linesOf(generateLogs({ seed: 3, lines: 20_000 }).output);
    const share = (test: (line: string) => boolean) => lines.filter(test).length / lines.length;
    const uuid = /[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}/;

    expect(share((l) => /^\S+ - - \[\d\d\/\w{3}\/\d{4}:[\d:]+ \+0000\] "(GET|POST|PUT|PATCH|DELETE) \//.test(l))).toBeGreaterThan(0.3);
    const json = lines.filter((l) => l.startsWith('{'));
    expect(json.length / lines.length).toBeGreaterThan(0.2);
    for (const line of json.slice(0, 200)) expect(JSON.parse(line)).toMatchObject({ level: expect.any(String), logger: expect.any(String), msg: expect.any(String), requestId: expect.stringMatching(uuid), userId: expect.stringMatching(/^u_\d+$/) });
    expect(share((l) => l.startsWith('\tat '))).toBeGreaterThan(0.02);
    expect(share((l) => l.startsWith('    at '))).toBeGreaterThan(0.005);
    expect(new Set(lines.map((l) => l.replace(/ seq=\d+$|,"seq":\d+}$/, ''))).size / lines.length).toBeGreaterThan(0.8); // stack frames repeat, as they do
    expect(new Set(lines.map((l) => l.split(' ')[0])).size).toBeGreaterThan(500); // many clients
  });

  it('tells a line that is not one of its own', () => {
    expect(lineNumber('ready')).toBeUndefined();
    expect(lineNumber('GET / 200 seq=12')).toBe(12);
    expect(lineNumber('{"a":1,"seq":5}')).toBe(5);
  });

  it.each([[{ seed: 1 }], [{ seed: 1, lines: 5, targetBytes: 5 }], [{ seed: 1, lines: 0 }], [{ seed: 1, targetBytes: 1.5 }]])('refuses %j', (options) => {
    expect(() => generateLogs(options)).toThrow(InvalidGenerateOptionsError);
  });
});
