/**
 * A skip marker in a real browser: the built dashboard in Chromium (playwright-core, the system's
 * chromium), served by the local static server, against the local cloud (gateway emulator, real
 * handlers, dynalite). An agent stand-in streams lines with a catch-up marker among them; the
 * dashboard shows the marker in place, from its fields, and keeps it when filtering.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { skipMarker } from '../../agent/pipeline/skip-marker';
import { startLocalCloud, type LocalCloud } from '../../infra/local/cloud';
import { silentLogger } from '../../infra/local/logger';
import { startStaticServer, type StaticServer } from '../../infra/local/static-server';
import type { LogLine } from '../../protocol';
import { agentBatch } from '../support/packed-batches';

const CHROMIUM = '/usr/bin/chromium';
const CONTAINER = { id: 'c1', name: 'api', image: 'acme/api', state: 'running', status: 'Up', createdAt: 1, tty: false };
const ts = (second: number) => `2026-11-25T12:00:${String(second).padStart(2, '0')}.000000000Z`;

describe('the dashboard in Chromium showing a skip marker', () => {
  let outDir: string;
  let cloud: LocalCloud;
  let site: StaticServer;
  let agent: WebSocket;
  let browser: Browser;
  let page: Page;
  const fromAgent: Record<string, unknown>[] = [];

  const next = (action: string) =>
    vi.waitFor(
      () => {
        const index = fromAgent.findIndex((m) => m.action === action);
        if (index < 0) throw new Error(`no ${action} yet`);
        return fromAgent.splice(index, 1)[0]!;
      },
      { timeout: 20_000, interval: 20 },
    );

  beforeAll(async () => {
    outDir = await mkdtemp(join(tmpdir(), 'sidetail-web-'));
    await build({
      configFile: fileURLToPath(new URL('../../web/vite.config.ts', import.meta.url)),
      build: { outDir, emptyOutDir: true },
      logLevel: 'silent',
    });
    cloud = await startLocalCloud({ gatewayPort: 0, logger: silentLogger });
    site = await startStaticServer({ root: outDir, config: { wsUrl: cloud.wsUrl } });
    agent = new WebSocket(`${cloud.wsUrl}?role=agent&token=${encodeURIComponent(cloud.agentToken)}`);
    agent.on('message', (data) => fromAgent.push(JSON.parse(data.toString()) as Record<string, unknown>));
    await new Promise((resolve, reject) => agent.once('open', resolve).once('error', reject));
    agent.send(JSON.stringify({ action: 'agent.register', hostName: 'box', agentVersion: 'test', containers: [CONTAINER] }));
    await next('agent.registered');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    page = await browser.newPage({ timezoneId: 'UTC' });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    agent?.close();
    await site?.stop();
    await cloud?.stop();
    if (outDir) await rm(outDir, { recursive: true, force: true });
  });

  it('renders the marker in place with its count, reason and span, and keeps it while filtering', async () => {
    await page.goto(`${site.url}#token=${encodeURIComponent(cloud.viewerToken)}`);
    await page.getByRole('button', { name: /api/ }).click();
    const { epoch } = (await next('log.stream.start')) as { epoch: number };

    const lines: LogLine[] = [
      { seq: 1, ts: ts(1), stream: 'stdout', text: 'early 5' },
      { seq: 2, ...skipMarker({ reason: 'catch_up', lines: 99_064, from: ts(2), to: ts(40) }) },
      { seq: 3, ts: ts(41), stream: 'stdout', text: 'GET / 200' },
      { seq: 4, ts: ts(42), stream: 'stderr', text: 'boom' },
    ];
    agent.send(JSON.stringify(agentBatch(CONTAINER.id, epoch, lines)));
    await next('log.ack');

    const marker = page.locator('.skip-marker');
    await marker.waitFor({ timeout: 20_000 });
    expect(await marker.innerText()).toMatch(/^99,064 lines skipped while nobody watched \(.*12:00:02\.000 – .*12:00:40\.000\)$/);
    // In place: between the line before it and the one after it.
    const rows = await page.locator('.log-row').allInnerTexts();
    const at = rows.findIndex((text) => text.includes('lines skipped'));
    expect(rows[at - 1]).toContain('early 5');
    expect(rows[at + 1]).toContain('GET / 200');

    await page.getByRole('searchbox').fill('boom');
    await vi.waitFor(async () => expect(await page.locator('.log-row').count()).toBe(2), { timeout: 10_000 });
    expect(await page.locator('.skip-marker').count()).toBe(1);
  }, 120_000);
});
