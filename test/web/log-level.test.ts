import { describe, expect, it } from 'vitest';
import { detectLevel, numericLevel } from '../../web/src/format/log-level';

describe('detectLevel', () => {
  it.each([
    ['ERROR something broke', 'error'],
    ['ERR connection reset', 'error'],
    ['WARN disk at 91%', 'warn'],
    ['WARNING: deprecated flag', 'warn'],
    ['INFO listening on :8080', 'info'],
    ['DEBUG cache miss', 'debug'],
    ['TRACE enter handler', 'trace'],
    ['FATAL out of memory', 'fatal'],
    ['CRITICAL: disk gone', 'fatal'],
    ['PANIC: nil map', 'fatal'],
    ['[error] 7#7: *1 open() failed', 'error'],
    ['[WARN] cache is cold', 'warn'],
    ['[E] bad', 'error'],
    ['<warn> low', 'warn'],
    ['(info) ok', 'info'],
    ['2026-11-25T12:00:00.000Z INFO server starting', 'info'],
    ['2026-11-25 12:00:01,123 ERROR [main] boom', 'error'],
    ['2026-11-25 12:00:01.123  WARN 1 --- [main] o.s.Foo : slow', 'warn'],
    ['2026/11/25 12:00:01 [error] 7#7: upstream timed out', 'error'],
    ['[2026-11-25 12:00:01] [DEBUG] sql', 'debug'],
    ['12:00:01 info: winston line', 'info'],
    ['error: something', 'error'],
    ['E1125 12:00:01.123456   1 main.go:12] glog error', 'error'],
    ['W1125 12:00:01.123456   1 main.go:12] glog warn', 'warn'],
  ] as const)('reads the plain word in %j as %s', (text, level) => {
    expect(detectLevel(text)).toBe(level);
  });

  it.each([
    ['{"level":"error","msg":"x"}', 'error'],
    ['{"severity":"WARNING","message":"x"}', 'warn'],
    ['{"lvl":"dbug","msg":"x"}', 'debug'],
    ['{"log.level":"info","message":"ecs"}', 'info'],
    ['{"level":30,"msg":"pino info"}', 'info'],
    ['{"level":50,"msg":"pino error"}', 'error'],
    ['{"level":60,"msg":"pino fatal"}', 'fatal'],
    ['{"level":10,"msg":"pino trace"}', 'trace'],
    ['{"msg":"x","level": 40}', 'warn'],
    ['  {"time":1,"level":"TRACE"}', 'trace'],
  ] as const)('reads the JSON field in %j as %s', (text, level) => {
    expect(detectLevel(text)).toBe(level);
  });

  it.each([
    ['time=2026-11-25T12:00:00Z level=warn msg="slow query"', 'warn'],
    ['level=error msg="db unreachable" attempt=3', 'error'],
    ['ts=1 lvl=info msg=ok', 'info'],
    ['t=1 level="debug" msg=x', 'debug'],
  ] as const)('reads the logfmt field in %j as %s', (text, level) => {
    expect(detectLevel(text)).toBe(level);
  });

  it.each([
    'GET /error 200 12ms',
    'Error connecting is just prose here',
    'information wants to be free',
    'the ERROR is in the middle of the line',
    '{"message":"no level field"}',
    'E is a letter',
    'hello world',
    '',
    'levels=many',
  ])('finds no level in %j', (text) => {
    expect(detectLevel(text)).toBeUndefined();
  });

  it('looks only at the start of a long line', () => {
    expect(detectLevel(`${'x'.repeat(300)} level=error`)).toBeUndefined();
  });

  it.each([
    [10, 'trace'], [20, 'debug'], [30, 'info'], [40, 'warn'], [50, 'error'], [60, 'fatal'],
    [0, 'fatal'], [3, 'error'], [4, 'warn'], [6, 'info'], [7, 'debug'],
  ] as const)('maps the numeric level %i to %s', (n, level) => {
    expect(numericLevel(n)).toBe(level);
  });
});
