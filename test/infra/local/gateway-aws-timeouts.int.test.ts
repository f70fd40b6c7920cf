/**
 * The local gateway's idle timeout and maximum connection duration are API Gateway's by default:
 * 10 minutes without a message, 2 hours in all (close 1001 "Going away"). Timers are faked and
 * advanced; sockets, the gateway and the clients are real.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Cleanup, gateway, openClient, RecordingRoutes } from './gateway-test-kit';

const cleanup = new Cleanup();
afterEach(async () => {
  vi.useRealTimers();
  await cleanup.run();
});

const MINUTE = 60_000;

describe('local gateway: API Gateway\'s timeouts by default', () => {
  it('keeps a silent connection for just under 10 minutes and closes it at 10', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true, toFake: ['setTimeout', 'clearTimeout'] });
    const gw = await gateway(cleanup, { routes: {} });
    const client = await openClient(cleanup, gw.wsUrl);

    await vi.advanceTimersByTimeAsync(10 * MINUTE - 1_000);
    expect(client.ws.readyState).toBe(client.ws.OPEN);
    await vi.advanceTimersByTimeAsync(2_000);

    expect(await client.closed).toEqual({ code: 1001, reason: 'Going away' });
  });

  it('closes a connection that pings every 9 minutes at 2 hours, not before', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true, toFake: ['setTimeout', 'clearTimeout'] });
    const routes = new RecordingRoutes();
    const gw = await gateway(cleanup, { routes: { ping: routes.handler() }, throttling: false });
    const client = await openClient(cleanup, gw.wsUrl);

    for (let elapsed = 0; elapsed + 9 * MINUTE < 120 * MINUTE; elapsed += 9 * MINUTE) {
      await vi.advanceTimersByTimeAsync(9 * MINUTE);
      expect(client.ws.readyState).toBe(client.ws.OPEN);
      client.ws.send('{"action":"ping"}');
      await vi.waitFor(() => expect(routes.of('ping').length).toBe(elapsed / (9 * MINUTE) + 1));
    }
    await vi.advanceTimersByTimeAsync(120 * MINUTE - 13 * 9 * MINUTE + 1_000);

    expect(await client.closed).toEqual({ code: 1001, reason: 'Going away' });
    expect(routes.of('ping')).toHaveLength(13);
  });
});
