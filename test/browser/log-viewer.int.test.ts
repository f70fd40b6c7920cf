/**
 * The log viewer in Chromium against the real stack (test/browser/dashboard-stack.ts): a real
 * container on the private dockerd writes a history (levels, JSON, hostile markup and escape
 * sequences), then live lines on a signal. Screenshots land in a tmp directory (printed) to be
 * looked at.
 */
import { join } from 'node:path';
import type Dockerode from 'dockerode';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { screenshotDir, startDashboardStack, type DashboardStack } from './dashboard-stack';

const AGENT_ID = 'browser-host';
const HISTORY_LINES = 120;

// printf's octal \033 is ESC, \007 BEL: the container writes real escape sequences.
const SCRIPT = String.raw`
trap 'go=1' USR1
echo '2026-11-25T12:00:00.000Z INFO server starting'
echo '[WARN] cache is cold'
echo 'level=error msg="db unreachable" attempt=3'
echo '{"level":50,"msg":"pino says boom","req":{"id":7,"path":"/api"}}'
echo '{"severity":"DEBUG","message":"json debug line"}'
echo '<script>window.__pwned = 1</script><b>bold?</b>'
echo '<img src=x onerror="window.__pwned = 2">'
printf '\033]0;stolen title\007osc-title \033]8;;javascript:window.__pwned=3\033\\click me\033]8;;\033\\ \033[2J\033[31mred text\033[0m end\n'
i=1; while [ $i -le ${HISTORY_LINES} ]; do echo "history $i"; i=$((i+1)); done
echo ready
while [ -z "$go" ]; do usleep 20000; done
i=1; while true; do echo "tick $i"; i=$((i+1)); usleep 150000; done
`;

describe('the log viewer in Chromium, on the real stack', () => {
  let stack: DashboardStack;
  let container: Dockerode.Container;
  let page: Page;
  let shots: string;
  const shot = async (name: string) => {
    const path = join(shots, `${name}.png`);
    await page.screenshot({ path });
    console.log(`[screenshot] ${path}`);
  };
  const rowTexts = () => page.locator('.log-row').allInnerTexts();

  beforeAll(async () => {
    shots = await screenshotDir();
    stack = await startDashboardStack({ dockerHost: inject('dockerHost'), agentId: AGENT_ID });
    container = await stack.docker.createContainer({
      name: 'browser-demo',
      Image: inject('busyboxImage'),
      Cmd: ['sh', '-c', SCRIPT],
      HostConfig: { NetworkMode: 'none' },
    });
    await container.start();
    page = await stack.newPage();
    await page.addInitScript(() => {
      (globalThis as { __pwned?: number }).__pwned = 0;
    });
  }, 180_000);

  afterAll(async () => {
    await container?.remove({ force: true }).catch(() => {});
    await stack?.stop();
  });

  it('lists the container, and shows its history and then its live lines', async () => {
    await page.goto(stack.dashboardUrl);
    const item = page.getByRole('button', { name: /browser-demo/ });
    await item.waitFor({ timeout: 30_000 });
    await item.click();
    await page.getByText('ready', { exact: true }).waitFor({ timeout: 30_000 });
    await shot('history');
    await container.kill({ signal: 'SIGUSR1' });
    await page.getByText('tick 3', { exact: true }).waitFor({ timeout: 30_000 });
    expect((await rowTexts()).some((t) => t.includes('tick 3'))).toBe(true);
    await shot('live');
  }, 90_000);

  it('renders markup, <script> and hostile ANSI/OSC sequences as text', async () => {
    await page.getByRole('searchbox', { name: /filter/i }).fill('pwned');
    await vi.waitFor(async () => expect(await page.locator('.log-line').count()).toBe(2), { timeout: 10_000 });
    const texts = await page.locator('.log-line .log-text').allInnerTexts();
    expect(texts).toContain('<script>window.__pwned = 1</script><b>bold?</b>');
    expect(texts).toContain('<img src=x onerror="window.__pwned = 2">');
    expect(await page.locator('.log-view script, .log-view img, .log-view b, .log-view a').count()).toBe(0);
    await page.getByRole('searchbox', { name: /filter/i }).fill('osc-title');
    await vi.waitFor(async () => expect(await page.locator('.log-line').count()).toBe(1), { timeout: 10_000 });
    expect(await page.locator('.log-line .log-text').innerText()).toBe('osc-title click me red text end');
    expect(await page.locator('.log-line .ansi-fg-1').innerText()).toBe('red text');
    expect(await page.title()).not.toContain('stolen');
    expect(await page.evaluate(() => (globalThis as { __pwned?: number }).__pwned)).toBe(0);
    await shot('hostile');
    await page.getByRole('searchbox', { name: /filter/i }).fill('');
  }, 60_000);
});
