/**
 * The DashboardSite's Content-Security-Policy against the real dashboard: the vite build in
 * Chromium (playwright-core, the system's chromium), served with the header CloudFront sends,
 * connected to the local cloud (gateway emulator, real handlers, dynalite). The dashboard must load,
 * connect and render a host's containers and a log view without one CSP violation; the same page
 * under a policy that leaves the socket out must be refused it (so the check can fail).
 */
import { createServer, type Server } from 'node:http';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { contentSecurityPolicy } from '../../../infra/constructs/dashboard-site';
import { startLocalCloud, type LocalCloud } from '../../../infra/local/cloud';
import { silentLogger } from '../../../infra/local/logger';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];
const CONTAINER = { id: 'c1', name: 'api', image: 'acme/api', state: 'running', status: 'Up', createdAt: 1, tty: false };
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json' };

/** The built files and config.json, each response carrying `csp` as CloudFront's policy would. */
function serveDashboard(root: string, wsUrl: string, csp: () => string): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    const send = (status: number, type: string, body: string | Buffer) => {
      response.writeHead(status, { 'content-type': type, 'content-security-policy': csp(), 'x-content-type-options': 'nosniff' });
      response.end(body);
    };
    if (path === '/config.json') return send(200, TYPES['.json']!, JSON.stringify({ wsUrl }));
    const file = normalize(join(root, path === '/' ? 'index.html' : path));
    if (!file.startsWith(root)) return send(404, 'text/plain', 'not found');
    readFile(file).then(
      (body) => send(200, TYPES[extname(file)] ?? 'application/octet-stream', body),
      () => send(404, 'text/plain', 'not found'),
    );
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` })),
  );
}

/** What CloudFront sends, less `upgrade-insecure-requests`: this test serves plain http on loopback. */
const policyFor = (wsUrl: string) =>
  contentSecurityPolicy(wsUrl)
    .split('; ')
    .filter((directive) => directive !== 'upgrade-insecure-requests')
    .join('; ');

describe('the DashboardSite CSP with the real dashboard in Chromium', () => {
  let outDir: string;
  let cloud: LocalCloud;
  let site: { server: Server; url: string };
  let agent: WebSocket;
  let browser: Browser;
  let csp: string;
  const fromAgent: Record<string, unknown>[] = [];

  beforeAll(async () => {
    outDir = await mkdtemp(join(tmpdir(), 'sidetail-csp-'));
    await build({
      configFile: fileURLToPath(new URL('../../../web/vite.config.ts', import.meta.url)),
      build: { outDir, emptyOutDir: true },
      logLevel: 'silent',
    });
    cloud = await startLocalCloud({ gatewayPort: 0, logger: silentLogger });
    csp = policyFor(cloud.wsUrl);
    site = await serveDashboard(outDir, cloud.wsUrl, () => csp);
    agent = new WebSocket(`${cloud.wsUrl}?role=agent&token=${encodeURIComponent(cloud.agentToken)}`);
    agent.on('message', (data) => fromAgent.push(JSON.parse(data.toString()) as Record<string, unknown>));
    await new Promise((resolve, reject) => agent.once('open', resolve).once('error', reject));
    agent.send(JSON.stringify({ action: 'agent.register', hostName: 'box', agentVersion: 'test', containers: [CONTAINER] }));
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    agent?.close();
    await new Promise((resolve) => (site ? site.server.close(resolve) : resolve(undefined)));
    await cloud?.stop();
    if (outDir) await rm(outDir, { recursive: true, force: true });
  });

  /** A page that records every CSP violation the document reports, and console errors. */
  async function watchedPage(): Promise<{ page: Page; violations: () => Promise<string[]>; errors: string[] }> {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    page.on('pageerror', (error) => errors.push(error.message));
    // Runs in the page (a string: this project's Node types have no DOM).
    await page.addInitScript(`
      window.__cspViolations = [];
      document.addEventListener('securitypolicyviolation', (event) =>
        window.__cspViolations.push(event.effectiveDirective + ' ' + event.blockedURI));
    `);
    const violations = () => page.evaluate('window.__cspViolations') as Promise<string[]>;
    return { page, violations, errors };
  }

  it('loads, connects and renders the inventory and a log view without one violation', async () => {
    const { page, violations, errors } = await watchedPage();
    await page.goto(`${site.url}#token=${encodeURIComponent(cloud.viewerToken)}`);

    await page.getByRole('button', { name: /api/ }).click();
    await vi.waitFor(
      () => {
        if (!fromAgent.some((m) => m.action === 'log.stream.start')) throw new Error('no log.stream.start yet');
      },
      { timeout: 20_000, interval: 50 },
    );

    expect(await violations()).toEqual([]);
    expect(errors.filter((text) => /Content Security Policy/i.test(text))).toEqual([]);
    await page.close();
  }, 60_000);

  it('is refused the socket under a policy that leaves it out (the check above can fail)', async () => {
    csp = policyFor('wss://elsewhere.example/live');
    try {
      const { page, violations } = await watchedPage();
      await page.goto(`${site.url}#token=${encodeURIComponent(cloud.viewerToken)}`);

      await vi.waitFor(
        async () => expect(await violations()).toEqual(expect.arrayContaining([expect.stringMatching(/^connect-src ws:\/\/127\.0\.0\.1/)])),
        { timeout: 20_000, interval: 50 },
      );
      await page.close();
    } finally {
      csp = policyFor(cloud.wsUrl);
    }
  }, 60_000);
});
