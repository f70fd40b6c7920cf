/**
 * Taking a view away and looking at it, in Chromium on the real stack (dashboard-stack.ts): a
 * deep link restores container, filter and line; the download holds exactly the lines shown;
 * copy puts a line on the clipboard; the histogram jumps to a moment; a wrong token says so.
 * Screenshots land in a tmp directory (printed) to be looked at.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type Dockerode from 'dockerode';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { screenshots, startDashboardStack, startScriptContainer, type DashboardStack } from './dashboard-stack';

const AGENT_ID = 'share-host';
// Run in the page (this project's node typings have no DOM).
const readHash = () => (globalThis as unknown as { location: { hash: string } }).location.hash;
const readClipboardFrom = (page: Page) => () => page.evaluate(readClipboard);
const readClipboard = () => (globalThis as unknown as { navigator: { clipboard: { readText(): Promise<string> } } }).navigator.clipboard.readText();

// Two bursts two seconds apart, so that the histogram has an empty stretch between them.
const SCRIPT = String.raw`
i=1; while [ $i -le 150 ]; do
  case $((i % 10)) in 3) echo "ERROR early $i failed";; 7) echo "[WARN] early $i slow";; *) echo "early $i";; esac
  i=$((i+1))
done
sleep 3
i=1; while [ $i -le 150 ]; do echo "late $i"; i=$((i+1)); done
echo done
exec sleep 3600
`;

describe('sharing a view and taking lines away, in Chromium', () => {
  let stack: DashboardStack;
  let container: Dockerode.Container;
  let context: BrowserContext;
  let page: Page;
  let takeShot: Awaited<ReturnType<typeof screenshots>>;
  const pageErrors: string[] = [];
  const shot = (target: Page, name: string) => takeShot(target, name);
  const shownLineTexts = (target: Page) => target.locator('.log-line .log-text').allInnerTexts();
  const filterInput = (target: Page) => target.getByRole('searchbox', { name: /filter/i });
  const open = async (target: Page, url: string) => {
    target.on('pageerror', (error) => pageErrors.push(error.message));
    await target.goto(url);
  };

  beforeAll(async () => {
    takeShot = await screenshots();
    stack = await startDashboardStack({ dockerHost: inject('dockerHost'), agentId: AGENT_ID });
    container = await startScriptContainer(stack.docker, { name: 'share-demo', image: inject('busyboxImage'), script: SCRIPT });
    context = await stack.browser.newContext({ timezoneId: 'UTC', viewport: { width: 1280, height: 720 }, permissions: ['clipboard-read', 'clipboard-write'] });
    page = await context.newPage();
    await open(page, stack.dashboardUrl);
    await page.getByRole('button', { name: /share-demo/ }).click({ timeout: 30_000 });
    await page.getByText('done', { exact: true }).waitFor({ timeout: 30_000 });
  }, 180_000);

  afterAll(async () => {
    await container?.remove({ force: true }).catch(() => {});
    await stack?.stop();
  });

  it('shows that it is live and which host the agent runs on', async () => {
    await expect.poll(() => page.locator('.connection-pill').innerText(), { timeout: 10_000 }).toBe('Live');
    expect(await page.locator('.host-name').allInnerTexts()).toContain(`${AGENT_ID}.test`);
    expect(await page.locator('.host-dot.is-online').count()).toBe(1);
  });

  it('keeps the view in the address as it changes', async () => {
    await page.getByRole('button', { name: 'Regular expression' }).click();
    await filterInput(page).fill('^early \\d*7 ');
    await expect.poll(() => page.evaluate(readHash), { timeout: 5_000 }).toContain('q=%5Eearly+%5Cd*7+');
    const hash = new URLSearchParams((await page.evaluate(readHash)).slice(1));
    expect(Object.fromEntries(hash)).toEqual({ host: AGENT_ID, container: container.id, q: '^early \\d*7 ', regex: '1' });
    expect(hash.has('token')).toBe(false);
    await filterInput(page).fill('');
    await page.getByRole('button', { name: 'Regular expression' }).click();
  });

  it('opens a link at the same container, filter and line, paused there', async () => {
    // The seq of "early 42", as the line's time says it.
    await filterInput(page).fill('early 42');
    const line42 = page.locator('.log-line').filter({ has: page.locator('.log-text', { hasText: /^early 42$/ }) });
    const seq = Number((await line42.locator('.log-time').getAttribute('title'))!.match(/seq (\d+)/)![1]);
    await filterInput(page).fill('');
    const link = `${stack.site.url}#token=${encodeURIComponent(stack.cloud.viewerToken)}&host=${AGENT_ID}&container=${container.id}&q=early&hide=error&line=${seq}`;

    const other = await context.newPage();
    await open(other, link);
    const revealed = other.locator('.log-row.is-revealed');
    await revealed.waitFor({ timeout: 30_000 });
    expect(await revealed.innerText()).toContain('early 42');
    expect(await other.locator('.log-name').innerText()).toBe('share-demo');
    expect(await filterInput(other).inputValue()).toBe('early');
    expect(await other.getByRole('group', { name: 'Levels' }).getByRole('button', { name: 'error' }).getAttribute('aria-pressed')).toBe('false');
    expect((await shownLineTexts(other)).some((t) => t.startsWith('ERROR'))).toBe(false);
    // Paused at the line, in view: "Jump to latest" is offered.
    await other.locator('.jump-latest').waitFor({ timeout: 5_000 });
    const box = (await revealed.boundingBox())!;
    const scroller = (await other.locator('.log-scroll').boundingBox())!;
    expect(box.y).toBeGreaterThanOrEqual(scroller.y);
    expect(box.y + box.height).toBeLessThanOrEqual(scroller.y + scroller.height);
    // The token was taken out of the address, the view left in it.
    expect(await other.evaluate(readHash)).toBe(`#host=${AGENT_ID}&container=${container.id}&q=early&hide=error&line=${seq}`);
    await shot(other, 'deep-link');
    // Following again lets go of the line.
    await other.locator('.jump-latest').click();
    await expect.poll(() => other.evaluate(readHash), { timeout: 5_000 }).not.toContain('line=');
    await other.close();
  }, 90_000);

  it('downloads exactly the lines it shows', async () => {
    await filterInput(page).fill('late 1');
    await expect.poll(() => page.locator('.log-count').innerText(), { timeout: 10_000 }).toMatch(/^62 of 301 lines\b/);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download matching' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^share-demo-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ\.log$/);
    const text = await readFile((await download.path())!, 'utf8');
    const lines = text.split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.map((line) => line.split(' ').slice(2).join(' '))).toEqual(['late 1', ...Array.from({ length: 10 }, (_, i) => `late ${10 + i}`), ...Array.from({ length: 51 }, (_, i) => `late ${100 + i}`)]);
    for (const line of lines) expect(line).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z stdout late \d+$/);
    // The rows on screen carry the same timestamps, to the nanosecond.
    const onScreen = await page.locator('.log-line .log-time').evaluateAll((els) => els.map((el) => `${el.getAttribute('datetime')} ${el.closest('.log-line')!.querySelector('.log-text')!.textContent}`));
    expect(onScreen.length).toBeGreaterThan(10);
    for (const row of onScreen) expect(lines).toContain(row.replace(' ', ' stdout '));
    await shot(page, 'download-filtered');

    const [all] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download all' }).click()]);
    const allLines = (await readFile((await all.path())!, 'utf8')).trimEnd().split('\n');
    expect(allLines).toHaveLength(301);
    await filterInput(page).fill('');
  }, 60_000);

  it('copies a line to the clipboard', async () => {
    await filterInput(page).fill('early 17');
    const line = page.locator('.log-line', { hasText: /WARN\] early 17 slow/ });
    await line.hover();
    await line.getByRole('button', { name: 'Copy line' }).click();
    await expect.poll(() => page.locator('.copy-notice').innerText(), { timeout: 5_000 }).toBe('Copied the line.');
    expect(await page.evaluate(readClipboard)).toBe('[WARN] early 17 slow');
    await shot(page, 'copied-line');

    // A link to the line: the address names it, and it is on the clipboard.
    await line.hover();
    await line.getByRole('button', { name: 'Link to this line' }).click();
    await expect.poll(readClipboardFrom(page), { timeout: 5_000 }).toMatch(new RegExp(`#host=${AGENT_ID}&container=${container.id}&q=early\\+17&line=\\d+$`));
    expect(await page.evaluate(readHash)).toMatch(/&line=\d+$/);
    expect(await page.locator('.log-row.is-revealed').innerText()).toContain('early 17 slow');
    await page.locator('.jump-latest').click();

    // The selection: the text of the line, selected by hand.
    await page.locator('.log-line .log-text').first().selectText();
    await page.getByRole('button', { name: 'Copy selection' }).click();
    await expect.poll(() => page.evaluate(readClipboard), { timeout: 5_000 }).toBe('[WARN] early 17 slow');
    await filterInput(page).fill('');
  }, 60_000);

  it('says how to copy by hand where the Clipboard API is missing', async () => {
    const bare = await context.newPage();
    await bare.addInitScript(() => Object.defineProperty((globalThis as unknown as { Navigator: { prototype: object } }).Navigator.prototype, 'clipboard', { get: () => undefined }));
    await open(bare, `${stack.site.url}#host=${AGENT_ID}&container=${container.id}&q=early+17`);
    const line = bare.locator('.log-line', { hasText: 'early 17' });
    await line.waitFor({ timeout: 30_000 });
    await line.hover();
    await line.getByRole('button', { name: 'Copy line' }).click();
    await expect.poll(() => bare.locator('.copy-notice').innerText(), { timeout: 5_000 }).toMatch(/select the text and press Ctrl\+C/);
    await shot(bare, 'copy-unavailable');
    await bare.close();
  }, 60_000);

  it('draws the lines over time by level, and jumps to a moment when a bar is clicked', async () => {
    const bars = page.getByRole('group', { name: 'Lines over time' });
    await bars.waitFor({ timeout: 5_000 });
    const drawn = (band: string) => bars.locator(`rect.band-${band}`).evaluateAll((rects) => rects.filter((rect) => Number(rect.getAttribute('height')) > 0).length);
    expect(await drawn('error')).toBeGreaterThan(0);
    expect(await drawn('warn')).toBeGreaterThan(0);
    expect(await drawn('other')).toBeGreaterThan(0);
    expect(await drawn('info')).toBe(0);
    // Filtered, it counts the lines shown, at once: the second burst has neither errors nor warnings.
    await filterInput(page).fill('late');
    await expect.poll(() => drawn('error'), { timeout: 1_000 }).toBe(0);
    expect(await drawn('warn')).toBe(0);
    expect(await bars.getByRole('button').first().getAttribute('aria-label')).toMatch(/lines?$/);
    await shot(page, 'histogram-filtered');
    await filterInput(page).fill('');
    await expect.poll(() => drawn('error'), { timeout: 1_000 }).toBeGreaterThan(0);
    // The first bar after the quiet stretch is the second burst's start.
    const buckets = bars.locator('.histogram-bucket');
    const empty = await buckets.evaluateAll((els) => els.map((el) => el.classList.contains('is-empty')));
    const lateStart = empty.findIndex((isEmpty, i) => !isEmpty && i > 0 && empty[i - 1]);
    expect(lateStart).toBeGreaterThan(0);
    await buckets.nth(lateStart).click();
    const revealed = page.locator('.log-row.is-revealed');
    await revealed.waitFor({ timeout: 5_000 });
    expect(await revealed.innerText()).toContain('late 1');
    expect(await revealed.innerText()).not.toContain('late 10');
    await page.locator('.jump-latest').waitFor({ timeout: 5_000 });
    expect(await page.evaluate(readHash)).toMatch(/&at=\d{4}-\d\d-\d\dT\d\d%3A\d\d%3A\d\d\.\d{9}Z$/);
    await shot(page, 'histogram-jump');
    await page.locator('.jump-latest').click();
    expect(pageErrors).toEqual([]);
  }, 60_000);

  it('says the token was refused, and takes a new one, asked for once', async () => {
    const fresh = await stack.browser.newContext({ timezoneId: 'UTC', viewport: { width: 1280, height: 720 } });
    const wrong = await fresh.newPage();
    await open(wrong, `${stack.site.url}#token=not-the-token`);
    await wrong.getByText('The token was refused.').waitFor({ timeout: 20_000 });
    expect(await wrong.locator('.empty-title').innerText()).toBe('The token was refused');
    expect(await wrong.locator('.connection-pill').innerText()).not.toBe('Live');
    await shot(wrong, 'token-refused');

    await wrong.getByRole('button', { name: 'Change token' }).click();
    await wrong.getByText('The previous token was refused.', { exact: false }).waitFor({ timeout: 5_000 });
    await shot(wrong, 'token-prompt-after-refusal');
    await wrong.getByLabel('Viewer token').fill(stack.cloud.viewerToken);
    await wrong.getByRole('button', { name: 'Connect' }).click();
    await expect.poll(() => wrong.locator('.connection-pill').innerText(), { timeout: 20_000 }).toBe('Live');
    // Asked for once: a reload connects with the token kept.
    await wrong.reload();
    await expect.poll(() => wrong.locator('.connection-pill').innerText(), { timeout: 20_000 }).toBe('Live');
    expect(await wrong.getByLabel('Viewer token').count()).toBe(0);
    await fresh.close();
  }, 60_000);
});
