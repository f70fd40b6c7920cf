import { describe, expect, it } from 'vitest';
import { batchRefusal } from '../../../lambdas/handlers/batch-refusal';

const body = JSON.stringify({ action: 'log.batch', containerId: 'c1', epoch: 1, firstSeq: 5, lastSeq: 9, data: 'not base64!' });

describe('batchRefusal', () => {
  it.each([
    ['internal', true],
    ['not_registered', true],
    ['conflict', false],
    ['too_large', false],
    ['malformed', false],
    ['forbidden', false],
  ] as const)('says %s is retry: %s', (code, retry) => {
    expect(batchRefusal(body, code)).toEqual({ containerId: 'c1', firstSeq: 5, lastSeq: 9, retry });
  });

  it.each([
    ['not JSON', '{"action":'],
    ['no body', undefined],
    ['a container id that could not be one', JSON.stringify({ containerId: 'a#b', data: 'none' })],
    ['seqs that could not be seqs', JSON.stringify({ firstSeq: 0, lastSeq: 1.5 })],
  ])('names no batch for %s', (_name, text) => {
    expect(batchRefusal(text, 'malformed')).toEqual({ retry: false });
  });
});
