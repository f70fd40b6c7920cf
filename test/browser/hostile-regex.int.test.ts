/**
 * A regular expression typed into the filter never hangs the page, in Chromium on the real stack
 * (test/browser/dashboard-stack.ts), under the deployed Content-Security-Policy: a real container
 * writes a 255 KB line of `a`s among short lines; the exponential `(a+)+$` is refused inline, the
 * quadratic `.*x` (minutes on that line) is stopped by the worker's watchdog with a message, and
 * the page keeps answering all along. A pattern that is fine matches the long line in the worker.
 */
import { join } from 'node:path';
import type Dockerode from 'dockerode';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { contentSecurityPolicy } from '../../infra/constructs/dashboard-site';
import { screenshots, startDashboardStack, startScriptContainer, type DashboardStack } from './dashboard-stack';

const AGENT_ID = 'hostile-regex-host';
const LONG_LINE_CHARS = 255 * 1024;

const SCRIPT = String.raw`
echo 'short line one'
echo 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!'
head -c ${LONG_LINE_CHARS} /dev/zero | tr '\000' a; echo
echo 'needle in a short line'
echo ready
while true; do sleep 1; done
`;

describe('a hostile regular expression in Chromium, on the real stack', () => {
  let stack: DashboardStack;
  let container: Dockerode.Container;
  let page: Page;
  let takeShot: Awaited<ReturnType<typeof screenshots>>;
  const pageErrors: string[] = [];
  const filterInput = (): Locator => page.getByRole('searchbox', { name: /filter/i });
  const shownLineTexts = () => page.locator('.log-line .log-text').allInnerTexts();
  const shot = (name: string) => takeShot(page, name);
  /** The longest the page's main thread went without running a 50 ms timer, since the last call. */
  const longestStall = () =>
    page.evaluate(() => {
      const probe = globalThis as unknown as { __stall: { max: number } };
      const max = probe.__stall.max;
      probe.__stall.max = 0;
      return max;
    });

  beforeAll(async () => {
    takeShot = await screenshots();
    stack = await startDashboardStack({ dockerHost: inject('dockerHost'), agentId: AGENT_ID });
    container = await startScriptContainer(stack.docker, { name: 'hostile-regex', image: inject('busyboxImage'), script: SCRIPT });
    page = await stack.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    // The deployed policy (infra/constructs/dashboard-site.ts), as CloudFront sends it; the local
    // server is plain http, so the upgrade of its requests to https is left out.
    const policy = contentSecurityPolicy(stack.cloud.wsUrl)
      .split('; ')
      .filter((directive) => directive !== 'upgrade-insecure-requests')
      .join('; ');
    await page.route(`${stack.site.url}/**`, async (route) => {
      const response = await route.fetch();
      await route.fulfill({ response, headers: { ...response.headers(), 'content-security-policy': policy } });
    });
    await page.addInitScript(() => {
      type Violation = { violatedDirective: string; blockedURI: string };
      const scope = globalThis as unknown as {
        __stall: { max: number };
        __violations: string[];
        document: { addEventListener(type: 'securitypolicyviolation', listener: (event: Violation) => void): void };
      };
      scope.__stall = { max: 0 };
      scope.__violations = [];
      let last = performance.now();
      setInterval(() => {
        const now = performance.now();
        scope.__stall.max = Math.max(scope.__stall.max, now - last - 50);
        last = now;
      }, 50);
      scope.document.addEventListener('securitypolicyviolation', (event) => scope.__violations.push(`${event.violatedDirective} ${event.blockedURI}`));
    });
  }, 180_000);

  afterAll(async () => {
    await container?.remove({ force: true }).catch(() => {});
    await stack?.stop();
  });

  it('opens the container with its long line', async () => {
    await page.goto(stack.dashboardUrl);
    const item = page.getByRole('button', { name: /hostile-regex/ });
    await item.waitFor({ timeout: 30_000 });
    await item.click();
    await page.getByText('ready', { exact: true }).waitFor({ timeout: 30_000 });
    await page.getByRole('button', { name: 'Regular expression' }).click();
    await longestStall();
  }, 90_000);

  it('refuses an exponential pattern inline, testing no line with it', async () => {
    await filterInput().fill('(a+)+$');

    await expect.poll(() => page.getByRole('alert').innerText(), { timeout: 10_000 }).toMatch(/exponential time.*\(a\+\)\+/);
    expect(await filterInput().getAttribute('aria-invalid')).toBe('true');
    expect(await shownLineTexts()).toContain('needle in a short line');
    await shot('exponential-refused');
    expect(await longestStall()).toBeLessThan(1_000);
  }, 30_000);

  it('stops a pattern that takes too long on the long line, with a message, and the page keeps answering', async () => {
    await filterInput().fill('.*x');

    await expect.poll(() => page.getByRole('alert').innerText(), { timeout: 15_000 }).toMatch(/takes too long \(over 1\.5 s on lines of up to 261,120 characters\); the filter is off until it changes/);
    // The filter is off: every line is shown again (counted: the long line fills the screen, the
    // short lines before it are scrolled out of view).
    await vi.waitFor(async () => expect(await page.locator('.log-count').innerText()).toMatch(/^5 lines\b/), { timeout: 10_000 });
    expect(await shownLineTexts()).toContain('needle in a short line');
    await shot('too-long-stopped');
    expect(await longestStall()).toBeLessThan(1_000);
  }, 30_000);

  it('filters again once the pattern changes, the long line matched in the worker and highlighted', async () => {
    await filterInput().fill('needle');
    await vi.waitFor(async () => expect(await shownLineTexts()).toEqual(['needle in a short line']), { timeout: 10_000 });
    expect(await page.getByRole('alert').count()).toBe(0);

    await filterInput().fill('a{8}$');
    await vi.waitFor(async () => {
      const texts = await shownLineTexts();
      expect(texts).toHaveLength(1);
      expect(texts[0]).toHaveLength(LONG_LINE_CHARS);
    }, { timeout: 15_000 });
    await vi.waitFor(async () => expect(await page.locator('.log-match').count()).toBeGreaterThan(0), { timeout: 10_000 });
    await shot('long-line-matched');
    expect(await longestStall()).toBeLessThan(1_000);
    expect(await page.evaluate(() => (globalThis as unknown as { __violations: string[] }).__violations)).toEqual([]);
    expect(pageErrors).toEqual([]);
  }, 40_000);
});
