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

const batch = { action: 'log.batch', containerId: 'a', epoch: 7, firstSeq: 1, lastSeq: 1, data: 'AAAA' } as const;

describe('decode', () => {
  it('accepts a valid message and returns it typed', () => {
    const batch = { action: 'log.batch', containerId: 'abc123', epoch: 7, firstSeq: 1, lastSeq: 1, data: 'AAAA' } as const;

    const result = decode(AgentToCloud, encode(batch));

    expect(result).toEqual({ ok: true, value: batch });
  });

  it.each([
    ['an empty body', '', 'malformed', /empty message/],
    ['text that is not JSON', '{nope', 'malformed', /not JSON/],
    ['JSON without a known action', '{"action":"log.nope"}', 'malformed', /invalid message/],
    ['a batch with a string seq', encode({ ...batch, firstSeq: '1' }), 'malformed', /firstSeq/],
    ['an id containing the key separator', encode({ ...batch, containerId: 'a#b' }), 'malformed', /containerId/],
    ['a batch without data', encode({ ...batch, data: undefined }), 'malformed', /data/],
  ])('rejects %s with a clear error', (_name, body, code, text) => {
    const result = decode(AgentToCloud, body);

    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe(code);
    expect(result.error.message).toMatch(text);
  });

  it('rejects a message above the 128 KB API Gateway limit before parsing it', () => {
    const body = encode({ ...batch, data: 'A'.repeat(MAX_MESSAGE_BYTES) });

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
    const body = encode({ action: 'log.history', agentId: 'host-1', containerId: 'c1', batches: [], done: true, ...extra });

    const result = decode(CloudToViewer, body);

    expect(result.ok && result.value.action === 'log.history' && result.value.reset).toBe(reset);
  });

  it('rejects a log.history with reset: false (the flag is only ever true or absent)', () => {
    const body = encode({ action: 'log.history', agentId: 'host-1', containerId: 'c1', batches: [], done: true, reset: false });

    const result = decode(CloudToViewer, body);

    expect(result.ok).toBe(false);
  });

  it.each([
    ['lastSeq below firstSeq', { firstSeq: 5, lastSeq: 4 }],
    ['more seqs than a batch may carry', { firstSeq: 1, lastSeq: 10_001 }],
    ['data that is not base64', { data: 'not base64!' }],
    ['a part index at its count', { part: { index: 2, count: 2 } }],
    ['more parts than a batch may have', { part: { index: 0, count: 6 } }],
  ])('refuses a log.batch with %s', (_what, change) => {
    const result = decode(AgentToCloud, encode({ action: 'log.batch', containerId: 'a', epoch: 7, firstSeq: 1, lastSeq: 1, data: 'AAAA', ...change }));

    expect(result.ok).toBe(false);
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

describe('log.fetched', () => {
  const fetched = (extra: Record<string, unknown>) =>
    JSON.stringify({ action: 'log.fetched', agentId: 'h', containerId: 'c', epoch: 7, afterSeq: 100, toSeq: 1100, batches: [], done: true, ...extra });

  it('accepts an answer the byte bound stopped, saying the seq it read to: the viewer asks for the rest', () => {
    const result = decode(CloudToViewer, fetched({ readToSeq: 640 }));

    expect(result.ok && result.value).toMatchObject({ action: 'log.fetched', readToSeq: 640 });
  });

  it.each([
    ['at afterSeq', 100],
    ['at toSeq (the whole range was read: no readToSeq)', 1100],
    ['beyond toSeq', 1200],
  ])('refuses a readToSeq %s as malformed', (_name, readToSeq) => {
    expect(decode(CloudToViewer, fetched({ readToSeq })).ok).toBe(false);
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
