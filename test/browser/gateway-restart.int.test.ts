/**
 * The dashboard through a gateway restart, in Chromium against the real stack: the gateway closes
 * every connection (the agent's and the page's), nothing listens for a few seconds while the
 * container keeps writing, then a new gateway comes up on the same address. The page must end with
 * every line once — those written during the outage included — and say that it reconnected.
 */
import { readFile } from 'node:fs/promises';
import type Dockerode from 'dockerode';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { screenshots, startDashboardStack, startScriptContainer, type DashboardStack } from './dashboard-stack';

const AGENT_ID = 'restart-host';
const SCRIPT = 'i=1; while true; do echo "tick $i"; i=$((i+1)); usleep 50000; done';

describe('the dashboard through a gateway restart', () => {
  let stack: DashboardStack;
  let container: Dockerode.Container;
  let page: Page;
  let takeShot: Awaited<ReturnType<typeof screenshots>>;
  const pageErrors: string[] = [];
  const shot = (name: string) => takeShot(page, name);
  const ticksOnScreen = async () =>
    (await page.locator('.log-line .log-text').allInnerTexts()).flatMap((text) => (text.startsWith('tick ') ? [Number(text.slice(5))] : []));
  const downloadedTicks = async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download', exact: true }).click()]);
    const text = await readFile((await download.path())!, 'utf8');
    return text
      .trimEnd()
      .split('\n')
      .map((line) => Number(/ tick (\d+)$/.exec(line)?.[1]));
  };

  beforeAll(async () => {
    takeShot = await screenshots();
    stack = await startDashboardStack({ dockerHost: inject('dockerHost'), agentId: AGENT_ID });
    container = await startScriptContainer(stack.docker, { name: 'restart-demo', image: inject('busyboxImage'), script: SCRIPT });
    page = await stack.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
  }, 180_000);

  afterAll(async () => {
    await container?.remove({ force: true }).catch(() => {});
    await stack?.stop();
  });

  it('shows every line once after the gateway went away and came back, those written meanwhile included', async () => {
    await page.goto(stack.dashboardUrl);
    const item = page.getByRole('button', { name: /restart-demo/ });
    await item.waitFor({ timeout: 30_000 });
    await item.click();
    await expect.poll(async () => Math.max(0, ...(await ticksOnScreen())), { timeout: 30_000 }).toBeGreaterThan(20);
    const beforeOutage = Math.max(...(await ticksOnScreen()));

    // About 60 lines are written while nothing listens.
    await stack.cloud.restartGateway({ downMs: 3_000 });

    // Lines written after the restart reach the page: it reconnected (its marker row may already
    // have scrolled out of the virtual list, which keeps only the rows in view).
    await expect.poll(async () => Math.max(0, ...(await ticksOnScreen())), { timeout: 30_000 }).toBeGreaterThan(beforeOutage + 100);
    // Any gap the page noticed is fetched and closed.
    await expect.poll(() => page.locator('.gap-marker').count(), { timeout: 20_000 }).toBe(0);
    await shot('after-gateway-restart');

    const ticks = await downloadedTicks();
    expect(ticks[0]).toBe(1);
    expect(ticks).toEqual(ticks.map((_, i) => i + 1));
    expect(ticks.length).toBeGreaterThan(beforeOutage + 100);
    const onScreen = await ticksOnScreen();
    expect(onScreen).toEqual(onScreen.map((_, i) => onScreen[0]! + i));
    expect(pageErrors).toEqual([]);
  }, 120_000);
});
