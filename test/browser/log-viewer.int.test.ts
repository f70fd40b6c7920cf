/**
 * The log viewer in Chromium against the real stack (test/browser/dashboard-stack.ts): a real
 * container on the private dockerd writes a history (levels, JSON, hostile markup and escape
 * sequences), then live lines on a signal. Screenshots land in a tmp directory (printed) to be
 * looked at.
 */
import type Dockerode from 'dockerode';
import { ApiGatewayManagementApiClient, DeleteConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import type { Locator, Page } from 'playwright-core';
import { createDocumentClient } from '../../lambdas/adapters/document-client';
import { DynamoSubscriptions } from '../../lambdas/adapters/dynamo-subscriptions';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { screenshots, startDashboardStack, startScriptContainer, type DashboardStack } from './dashboard-stack';

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
echo "long line: $(i=0; while [ $i -lt 40 ]; do printf 'segment-%02d ' $i; i=$((i+1)); done)end-of-long-line"
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
  let takeShot: Awaited<ReturnType<typeof screenshots>>;
  const shot = (name: string) => takeShot(page, name);
  const rowTexts = () => page.locator('.log-row').allInnerTexts();
  const pageErrors: string[] = [];
  const filterInput = (): Locator => page.getByRole('searchbox', { name: /filter/i });
  const shownLineTexts = () => page.locator('.log-line .log-text').allInnerTexts();

  beforeAll(async () => {
    takeShot = await screenshots();
    stack = await startDashboardStack({ dockerHost: inject('dockerHost'), agentId: AGENT_ID });
    container = await startScriptContainer(stack.docker, { name: 'browser-demo', image: inject('busyboxImage'), script: SCRIPT });
    page = await stack.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
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
    await filterInput().fill('pwned');
    await vi.waitFor(async () => expect(await page.locator('.log-line').count()).toBe(2), { timeout: 10_000 });
    const texts = await page.locator('.log-line .log-text').allInnerTexts();
    expect(texts).toContain('<script>window.__pwned = 1</script><b>bold?</b>');
    expect(texts).toContain('<img src=x onerror="window.__pwned = 2">');
    expect(await page.locator('.log-view script, .log-view img, .log-view b, .log-view a').count()).toBe(0);
    await filterInput().fill('osc-title');
    await vi.waitFor(async () => expect(await page.locator('.log-line').count()).toBe(1), { timeout: 10_000 });
    expect(await page.locator('.log-line .log-text').innerText()).toBe('osc-title click me red text end');
    expect(await page.locator('.log-line .ansi-fg-1').innerText()).toBe('red text');
    expect(await page.title()).not.toContain('stolen');
    expect(await page.evaluate(() => (globalThis as { __pwned?: number }).__pwned)).toBe(0);
    await shot('hostile');
    await filterInput().fill('');
  }, 60_000);

  it('colours the levels it reads and filters by level', async () => {
    // Lines without a level hidden: the five with one are left, all on screen.
    await page.getByRole('group', { name: 'Levels' }).getByRole('button', { name: 'other' }).click();
    await vi.waitFor(async () => expect((await shownLineTexts()).length).toBe(5), { timeout: 10_000 });
    const levelOf = (text: string) => page.locator('.log-line', { hasText: text }).locator('.level-tag').innerText();
    expect(await levelOf('server starting')).toBe('INF');
    expect(await levelOf('cache is cold')).toBe('WRN');
    expect(await levelOf('db unreachable')).toBe('ERR');
    expect(await levelOf('pino says boom')).toBe('ERR');
    expect(await levelOf('json debug line')).toBe('DBG');
    await page.getByRole('group', { name: 'Levels' }).getByRole('button', { name: 'info' }).click();
    await vi.waitFor(async () => expect((await shownLineTexts()).length).toBe(4), { timeout: 10_000 });
    await shot('levels');
    await page.getByRole('group', { name: 'Levels' }).getByRole('button', { name: 'info' }).click();
    await page.getByRole('group', { name: 'Levels' }).getByRole('button', { name: 'other' }).click();
  }, 60_000);

  it('opens a JSON line into a tree, as text', async () => {
    await filterInput().fill('pino says');
    const line = page.locator('.log-line', { hasText: 'pino says boom' });
    await line.getByRole('button', { name: 'Expand JSON' }).click();
    const tree = line.getByRole('tree');
    await tree.waitFor({ timeout: 5_000 });
    const rows = await tree.getByRole('treeitem').allInnerTexts();
    expect(rows).toEqual(['{ 3', 'level: 50', 'msg: "pino says boom"', 'req: { 2', 'id: 7', 'path: "/api"', '}', '}']);
    await shot('json-tree');
    await line.getByRole('button', { name: 'Collapse JSON' }).click();
    await filterInput().fill('');
  }, 60_000);

  it('filters by regular expression, inverted, and shows an invalid one inline', async () => {
    await page.getByRole('button', { name: 'Regular expression' }).click();
    await filterInput().fill('^history 1[0-2]$');
    await vi.waitFor(async () => expect(await shownLineTexts()).toEqual(['history 10', 'history 11', 'history 12']), { timeout: 10_000 });
    expect(await page.locator('.log-match').allInnerTexts()).toEqual(['history 10', 'history 11', 'history 12']);
    await shot('regex');

    await filterInput().fill('^(history|tick) ');
    await page.getByRole('button', { name: 'Hide matching lines' }).click();
    await vi.waitFor(async () => expect((await shownLineTexts()).slice(0, 3)).toEqual(['2026-11-25T12:00:00.000Z INFO server starting', '[WARN] cache is cold', 'level=error msg="db unreachable" attempt=3']), { timeout: 10_000 });
    expect((await shownLineTexts()).some((t) => t.startsWith('history') || t.startsWith('tick'))).toBe(false);
    await shot('inverted');
    await page.getByRole('button', { name: 'Hide matching lines' }).click();

    await filterInput().fill('(unclosed');
    await expect.poll(() => page.getByRole('alert').innerText(), { timeout: 10_000 }).toMatch(/unterminated group/i);
    expect(await filterInput().getAttribute('aria-invalid')).toBe('true');
    await shot('invalid-regex');
    await filterInput().fill('');
    await page.getByRole('button', { name: 'Regular expression' }).click();
    expect(pageErrors).toEqual([]);
  }, 60_000);

  it('follows new lines, pauses when scrolled up with a count of new lines, and jumps back', async () => {
    const scroller = page.getByRole('region', { name: 'Log lines' }).or(page.locator('.log-scroll'));
    const box = (await scroller.first().boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.wheel(0, -800);
    const jump = page.locator('.jump-latest');
    await jump.waitFor({ timeout: 5_000 });
    const firstRow = await page.locator('.log-row').first().innerText();
    await expect.poll(async () => Number((await jump.innerText()).match(/(\d+) new lines?/)?.[1] ?? 0), { timeout: 10_000 }).toBeGreaterThanOrEqual(3);
    // Paused: the reader's place holds while lines arrive.
    expect(await page.locator('.log-row').first().innerText()).toBe(firstRow);
    await shot('paused');
    await jump.click();
    await jump.waitFor({ state: 'detached', timeout: 5_000 });
    const last = async () => (await rowTexts()).at(-1) ?? '';
    await expect.poll(last, { timeout: 5_000 }).toMatch(/tick \d+/);
    // Following again: the newest line stays the last one on screen as more arrive.
    const before = Number((await last()).match(/tick (\d+)/)![1]);
    await expect.poll(async () => Number((await last()).match(/tick (\d+)/)?.[1] ?? 0), { timeout: 10_000 }).toBeGreaterThan(before + 2);
    await shot('following');
  }, 60_000);

  it('shows timestamps in UTC, local time or not at all, and wraps or scrolls long lines', async () => {
    await page.getByRole('radio', { name: 'No time' }).click();
    expect(await page.locator('.log-time').count()).toBe(0);
    await page.getByRole('button', { name: 'Wrap' }).click();
    expect(await page.locator('.log-view.is-nowrap').count()).toBe(1);
    await filterInput().fill('long line');
    await page.locator('.log-line', { hasText: 'end-of-long-line' }).waitFor({ timeout: 5_000 });
    const scroll = page.locator('.log-scroll');
    expect(await scroll.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
    await shot('no-time-no-wrap');
    await page.getByRole('button', { name: 'Wrap' }).click();
    expect(await scroll.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(false);
    expect((await page.locator('.log-line', { hasText: 'end-of-long-line' }).boundingBox())!.height).toBeGreaterThan(30);
    await shot('wrapped');
    await page.getByRole('button', { name: 'Wrap' }).click();
    await filterInput().fill('');
    await page.reload();
    await page.getByRole('button', { name: /browser-demo/ }).click();
    await page.locator('.log-line').first().waitFor({ timeout: 20_000 });
    expect(await page.locator('.log-time').count()).toBe(0);
    expect(await page.locator('.log-view.is-nowrap').count()).toBe(1);
    await page.getByRole('radio', { name: 'UTC' }).click();
    await page.getByRole('button', { name: 'Wrap' }).click();
    expect(await page.locator('.log-time').first().innerText()).toMatch(/^\d\d:\d\d:\d\d\.\d{3}$/);
  }, 60_000);

  it('finds a container with Ctrl-K', async () => {
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('Control+k');
    const search = page.getByRole('dialog', { name: 'Find a container' });
    await search.waitFor({ timeout: 5_000 });
    await page.keyboard.type('brdemo');
    const hits = search.getByRole('option');
    expect(await hits.count()).toBe(1);
    expect(await hits.first().innerText()).toMatch(/browser-demo[\s\S]*busybox[\s\S]*browser-host\.test[\s\S]*up \d+ s/);
    await shot('finder');
    await page.keyboard.press('Enter');
    await search.waitFor({ state: 'detached', timeout: 5_000 });
  }, 60_000);

  it('marks where its connection dropped and came back, and carries on with no gap and no repeat', async () => {
    const subscriptions = new DynamoSubscriptions({
      client: createDocumentClient({ endpoint: stack.cloud.store.endpoint, region: stack.cloud.store.region }),
      tableName: stack.cloud.store.tableName,
      clock: { now: () => Date.now() },
    });
    const [viewerConnection] = await subscriptions.subscriberIds({ agentId: AGENT_ID, containerId: container.id });
    const management = new ApiGatewayManagementApiClient({ endpoint: stack.cloud.connectionsEndpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    try {
      await management.send(new DeleteConnectionCommand({ ConnectionId: viewerConnection! }));
    } finally {
      management.destroy();
    }
    const marker = page.locator('.notice-marker', { hasText: 'reconnected at' });
    await marker.waitFor({ timeout: 30_000 });
    // Lines keep coming after the marker: the ticks on screen run on one by one.
    const ticks = async () => (await shownLineTexts()).flatMap((t) => (t.startsWith('tick ') ? [Number(t.slice(5))] : []));
    const before = Math.max(...(await ticks()));
    await expect.poll(async () => Math.max(...(await ticks())), { timeout: 15_000 }).toBeGreaterThan(before + 5);
    const shown = await ticks();
    expect(shown).toEqual(shown.map((_, i) => shown[0]! + i));
    expect(await page.locator('.gap-marker').count()).toBe(0);
    await shot('reconnected');
  }, 60_000);

  it('marks the container stopping and starting again among its lines', async () => {
    await container.restart({ t: 0 });
    // A query nothing matches leaves only the markers, which stay in place whatever the filter.
    await filterInput().fill('no line says this');
    await page.locator('.notice-marker', { hasText: 'container started' }).waitFor({ timeout: 30_000 });
    const texts = await page.locator('.notice-marker.notice-container').allInnerTexts();
    expect(texts).toHaveLength(2);
    expect(texts[0]).toMatch(/^container (stopped|died) at \d\d:\d\d:\d\d\.\d{3} · exited \(\d+\)$/);
    expect(texts[1]).toMatch(/^container started at \d\d:\d\d:\d\d\.\d{3}$/);
    await shot('restart-markers');
    // In place: after the last tick of the run that stopped; the new run has not ticked yet.
    await filterInput().fill('tick');
    await page.locator('.notice-container').first().waitFor({ timeout: 10_000 });
    const rows = await rowTexts();
    const stopAt = rows.findIndex((t) => /container (stopped|died)/.test(t));
    expect(rows[stopAt - 1]).toMatch(/tick \d+/);
    expect(rows[stopAt + 1]).toMatch(/container started/);
    await shot('restart-markers-in-place');
    await filterInput().fill('');
    expect(pageErrors).toEqual([]);
  }, 60_000);
});
