import { describe, expect, it } from 'vitest';
import { formatBanner } from '../../../infra/local/banner';

describe('npm start banner', () => {
  it('shows a dashboard link that carries the viewer token, the WebSocket URL and both tokens', () => {
    const banner = formatBanner({
      dashboardUrl: 'http://127.0.0.1:8080/',
      wsUrl: 'ws://127.0.0.1:4510/local',
      agentToken: 'agent-tok',
      viewerToken: 'viewer-tok',
    });

    expect(banner).toContain('http://127.0.0.1:8080/#token=viewer-tok');
    expect(banner).toContain('ws://127.0.0.1:4510/local');
    expect(banner).toMatch(/Agent token\s+agent-tok/);
    expect(banner).toMatch(/Viewer token\s+viewer-tok/);
  });

  it('escapes a chosen viewer token for the URL fragment', () => {
    const banner = formatBanner({ dashboardUrl: 'http://h/', wsUrl: 'ws://h/local', agentToken: 'a', viewerToken: 'a b&c' });

    expect(banner).toContain('http://h/#token=a%20b%26c');
  });
});
