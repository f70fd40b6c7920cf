import { describe, expect, it } from 'vitest';
import { streamNotice } from '../../web/src/state/stream-notice';

describe('streamNotice', () => {
  it('says the host is offline and the lines continue when its agent reconnects', () => {
    const notice = streamNotice({ connection: 'open', host: { hostName: 'box-1', online: false } });

    expect(notice).toMatch(/box-1 is offline/);
    expect(notice).toMatch(/reconnects/);
  });

  it('says the dashboard is reconnecting, which comes before anything about the host', () => {
    const notice = streamNotice({ connection: 'reconnecting', host: { hostName: 'box-1', online: false } });

    expect(notice).toMatch(/^Reconnecting to Sidetail/);
  });

  it.each([
    ['an online host on an open connection', { connection: 'open' as const, host: { hostName: 'box-1', online: true } }],
    ['a host the inventory does not know yet', { connection: 'open' as const }],
  ])('says nothing for %s', (_case, input) => {
    expect(streamNotice(input)).toBeUndefined();
  });
});
