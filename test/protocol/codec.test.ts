import { describe, expect, it } from 'vitest';
import {
  AgentToCloud,
  CloudToViewer,
  decode,
  decodeClientMessage,
  encode,
  isClientAction,
  MAX_FETCH_LINES,
  MAX_MESSAGE_BYTES,
  maySend,
  readAction,
  ViewerToCloud,
} from '../../protocol';

const line = { seq: 1, ts: '2024-05-06T07:08:09.123456789Z', stream: 'stdout', text: 'hello' } as const;

describe('decode', () => {
  it('accepts a valid message and returns it typed', () => {
    const body = encode({ action: 'log.batch', containerId: 'abc123', epoch: 7, lines: [line] });

    const result = decode(AgentToCloud, body);

    expect(result).toEqual({ ok: true, value: { action: 'log.batch', containerId: 'abc123', epoch: 7, lines: [line] } });
  });

  it.each([
    ['an empty body', '', 'malformed', /empty message/],
    ['text that is not JSON', '{nope', 'malformed', /not JSON/],
    ['JSON without a known action', '{"action":"log.nope"}', 'malformed', /invalid message/],
    ['a line with a millisecond Date instead of a string timestamp', encode({ action: 'log.batch', containerId: 'a', lines: [{ ...line, ts: 5 }] }), 'malformed', /lines\.0\.ts/],
    ['an id containing the key separator', encode({ action: 'log.batch', containerId: 'a#b', lines: [line] }), 'malformed', /containerId/],
    ['a batch without lines', encode({ action: 'log.batch', containerId: 'a', lines: [] }), 'malformed', /lines/],
  ])('rejects %s with a clear error', (_name, body, code, text) => {
    const result = decode(AgentToCloud, body);

    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe(code);
    expect(result.error.message).toMatch(text);
  });

  it('rejects a message above the 128 KB API Gateway limit before parsing it', () => {
    const body = encode({ action: 'log.batch', containerId: 'a', lines: [{ ...line, text: 'x'.repeat(MAX_MESSAGE_BYTES) }] });

    const result = decode(AgentToCloud, body);

    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('too_large');
    expect(result.error.requestAction).toBe('log.batch');
  });

  it('names the action of a rejected message so the sender can tell which one failed', () => {
    const result = decodeClientMessage('log.subscribe', encode({ action: 'log.subscribe', agentId: 'host-1' }));

    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.requestAction).toBe('log.subscribe');
    expect(result.error.toMessage()).toMatchObject({ action: 'error', code: 'malformed', requestAction: 'log.subscribe' });
  });

  it('drops fields it does not know, so newer senders stay compatible', () => {
    const result = decode(CloudToViewer, encode({ action: 'pong', extra: 1 }));

    expect(result).toEqual({ ok: true, value: { action: 'pong' } });
  });

  it.each([
    ['marked reset', { reset: true }, true],
    ['without reset', {}, undefined],
  ])('accepts a log.history %s', (_name, extra, reset) => {
    const body = encode({ action: 'log.history', agentId: 'host-1', containerId: 'c1', lines: [], done: true, ...extra });

    const result = decode(CloudToViewer, body);

    expect(result.ok && result.value.action === 'log.history' && result.value.reset).toBe(reset);
  });

  it('rejects a log.history with reset: false (the flag is only ever true or absent)', () => {
    const body = encode({ action: 'log.history', agentId: 'host-1', containerId: 'c1', lines: [], done: true, reset: false });

    const result = decode(CloudToViewer, body);

    expect(result.ok).toBe(false);
  });

  it('keeps a nanosecond timestamp exactly as sent', () => {
    const ts = '2024-05-06T07:08:09.000000001Z';

    const result = decode(AgentToCloud, encode({ action: 'log.batch', containerId: 'a', epoch: 7, lines: [{ ...line, ts }] }));

    expect(result.ok && result.value.action === 'log.batch' && result.value.lines[0]!.ts).toBe(ts);
  });
});

describe('log.fetch', () => {
  const fetch = (afterSeq: number, toSeq: number) =>
    JSON.stringify({ action: 'log.fetch', agentId: 'h', containerId: 'c', epoch: 7, afterSeq, toSeq });

  it('accepts a range of up to MAX_FETCH_LINES seqs', () => {
    expect(decode(ViewerToCloud, fetch(0, MAX_FETCH_LINES)).ok).toBe(true);
  });

  it.each([
    ['empty', 5, 5],
    ['backwards', 9, 5],
    ['longer than MAX_FETCH_LINES', 0, MAX_FETCH_LINES + 1],
  ])('refuses a range that is %s as malformed', (_name, afterSeq, toSeq) => {
    const result = decode(ViewerToCloud, fetch(afterSeq, toSeq));

    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.code).toBe('malformed');
  });
});

describe('readAction', () => {
  it.each([
    ['{"action":"log.subscribe"}', 'log.subscribe'],
    ['{"action":5}', undefined],
    ['[1,2]', undefined],
    ['not json', undefined],
  ])('reads the action of %s', (body, action) => {
    expect(readAction(body)).toBe(action);
  });
});

describe('routes and roles', () => {
  it.each([
    ['agent', 'log.batch', true],
    ['viewer', 'log.batch', false],
    ['viewer', 'log.subscribe', true],
    ['agent', 'log.subscribe', false],
    ['agent', 'agent.register', true],
    ['viewer', 'agent.inventory', false],
    ['viewer', 'ping', true],
    ['agent', 'ping', true],
  ] as const)('a %s connection may send %s: %s', (role, action, allowed) => {
    expect(maySend(role, action)).toBe(allowed);
  });

  it('does not mistake inherited object keys for actions', () => {
    expect(isClientAction('toString')).toBe(false);
    expect(isClientAction('log.batch')).toBe(true);
  });
});
