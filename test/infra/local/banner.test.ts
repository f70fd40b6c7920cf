import { describe, expect, it } from 'vitest';
import { formatBanner, type BannerInfo } from '../../../infra/local/banner';

const INFO: BannerInfo = {
  dashboardUrl: 'http://127.0.0.1:8080/',
  wsUrl: 'ws://127.0.0.1:4510/local',
  agentToken: 'agent-tok',
  agentId: 'my-host',
  viewerToken: 'viewer-tok',
  credentialsEnvironment: { tableName: 'sidetail-local', dynamodbEndpoint: 'http://127.0.0.1:4000', connectionsEndpoint: 'http://127.0.0.1:4510/local' },
};

describe('npm start banner', () => {
  it("shows a dashboard link that carries the viewer token, the WebSocket URL, the local agent's own token and the viewer token", () => {
    const banner = formatBanner(INFO);

    expect(banner).toContain('http://127.0.0.1:8080/#token=viewer-tok');
    expect(banner).toContain('ws://127.0.0.1:4510/local');
    expect(banner).toMatch(/Agent token\s+agent-tok\s+\(the local agent, "my-host"\)/);
    expect(banner).toMatch(/Viewer token\s+viewer-tok/);
  });

  it('says how to mint more credentials against this run', () => {
    expect(formatBanner(INFO)).toContain(
      'SIDETAIL_TABLE=sidetail-local SIDETAIL_DYNAMODB_ENDPOINT=http://127.0.0.1:4000 SIDETAIL_CONNECTIONS_ENDPOINT=http://127.0.0.1:4510/local npm run credentials -- mint --viewer',
    );
  });

  it('escapes a chosen viewer token for the URL fragment', () => {
    const banner = formatBanner({ ...INFO, dashboardUrl: 'http://h/', viewerToken: 'a b&c' });

    expect(banner).toContain('http://h/#token=a%20b%26c');
  });
});
