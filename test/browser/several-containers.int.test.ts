/**
 * Several containers at once, in Chromium against the real stack (test/browser/dashboard-stack.ts):
 * two real containers on the private dockerd write lines at the same time; the dashboard shows
 * them merged — in timestamp order, each line with its container's name in its colour — then
 * side by side, and a link to the view opens the same view, in a new tab or pasted into the open
 * one. Screenshots land in the system's tmp
 * directory as views-*.png (printed), to be looked at.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Dockerode from 'dockerode';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { compareTimestamps } from '../../protocol';
import { startDashboardStack, type DashboardStack } from './dashboard-stack';

// Runs in the page (evaluateAll), where the DOM has it; node's typings do not.
declare const getComputedStyle: (element: unknown) => { readonly color: string };

const AGENT_ID = 'several-host';
const NAMES = ['merge-api', 'merge-db'] as const;

/** A history of 40 lines, then a line every 60 ms; both containers at once, so their times interleave. */
const script = (name: string) => String.raw`
i=1; while [ $i -le 40 ]; do echo "${name} history $i"; i=$((i+1)); usleep 20000; done
i=1; while true; do echo "${name} tick $i"; i=$((i+1)); usleep 60000; done
`;

interface ShownLine {
  readonly ts: string;
  readonly source: string;
  readonly colour: string;
  readonly text: string;
}

describe('several containers in Chromium, on the real stack', () => {
  let stack: DashboardStack;
  const containers: Dockerode.Container[] = [];
  let page: Page;
  const pageErrors: string[] = [];
  const shot = async (target: Page, name: string) => {
    // Where the brief asks for them: /tmp/views-*.png.
    const path = join(tmpdir(), `${name}.png`);
    await target.screenshot({ path });
    console.log(`[screenshot] ${path}`);
  };
  /** The lines on screen in a view (the merged list, or one pane), top to bottom. */
  const shownLines = (target: Page, scope = '.main'): Promise<ShownLine[]> =>
    target.locator(`${scope} .log-line`).evaluateAll((elements) =>
      elements
        // Rows the virtual list let go of while this ran are no longer on screen.
        .filter((element) => element.isConnected)
        .map((element) => {
          const source = element.querySelector('.log-source');
          return {
            top: element.getBoundingClientRect().top,
            ts: element.querySelector('time')?.getAttribute('datetime') ?? '',
            source: source?.textContent ?? '',
            colour: source ? getComputedStyle(source).color : '',
            text: element.querySelector('.log-text')?.textContent ?? '',
          };
        })
        .sort((a, b) => a.top - b.top)
        .map(({ top: _top, ...line }) => line),
    );
  const chipColours = (target: Page) =>
    target.locator('.view-chip').evaluateAll((chips) =>
      Object.fromEntries(chips.map((chip) => [chip.querySelector('.view-chip-name')?.textContent ?? '', getComputedStyle(chip.querySelector('.view-chip-name')!).color])),
    );
  const expectMerged = async (target: Page) => {
    await vi.waitFor(
      async () => {
        const lines = await shownLines(target);
        expect(new Set(lines.map((line) => line.source))).toEqual(new Set(NAMES));
      },
      { timeout: 30_000 },
    );
    const lines = await shownLines(target);
    for (let i = 1; i < lines.length; i += 1) expect(compareTimestamps(lines[i - 1]!.ts, lines[i]!.ts)).toBeLessThanOrEqual(0);
    const colours = await chipColours(target);
    expect(colours[NAMES[0]]).not.toBe(colours[NAMES[1]]);
    for (const line of lines) {
      expect(line.text.startsWith(`${line.source} `)).toBe(true);
      expect(line.colour).toBe(colours[line.source]);
    }
    return lines;
  };

  beforeAll(async () => {
    stack = await startDashboardStack({ dockerHost: inject('dockerHost'), agentId: AGENT_ID });
    for (const name of NAMES) {
      const container = await stack.docker.createContainer({ name, Image: inject('busyboxImage'), Cmd: ['sh', '-c', script(name)], HostConfig: { NetworkMode: 'none' } });
      containers.push(container);
    }
    await Promise.all(containers.map((container) => container.start()));
    page = await stack.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
  }, 180_000);

  afterAll(async () => {
    await Promise.all(containers.map((container) => container.remove({ force: true }).catch(() => {})));
    await stack?.stop();
  });

  it('merges two containers’ lines in timestamp order, each with its container’s name and colour', async () => {
    await page.goto(stack.dashboardUrl);
    const api = page.getByRole('button', { name: /merge-api/ });
    await api.waitFor({ timeout: 30_000 });
    await api.click();
    await page.getByText('merge-api history 40', { exact: true }).waitFor({ timeout: 30_000 });
    await page.getByRole('button', { name: /merge-db/ }).click({ modifiers: ['Shift'] });

    await expect.poll(() => page.locator('.view-chip').count(), { timeout: 10_000 }).toBe(2);
    const lines = await expectMerged(page);
    expect(lines.length).toBeGreaterThan(10);
    await page.getByText(/merge-db tick \d+/).first().waitFor({ timeout: 30_000 });
    await expectMerged(page);
    await shot(page, 'views-merged');
    // The filter and the histogram read the merged lines as they read one container's.
    expect(await page.getByRole('group', { name: 'Lines over time' }).count()).toBe(1);
    await page.getByRole('searchbox', { name: /filter/i }).fill('merge-db tick');
    await vi.waitFor(
      async () => {
        const filtered = await shownLines(page);
        expect(filtered.length).toBeGreaterThan(0);
        for (const line of filtered) expect(line.text.startsWith('merge-db tick')).toBe(true);
      },
      { timeout: 10_000 },
    );
    expect(await page.locator('.log-count').innerText()).toMatch(/^\d+ of \d+ lines/);
    await shot(page, 'views-merged-filtered');
    await page.getByRole('searchbox', { name: /filter/i }).fill('');
    // The address names both containers, in the order shown.
    const hash = new URLSearchParams(new URL(page.url()).hash.slice(1));
    expect(hash.getAll('container')).toHaveLength(2);
    expect(hash.get('layout')).toBeNull();
  }, 120_000);

  it('keeps the order up to the top of the merged view, each container’s first line included', async () => {
    await page.locator('.main .log-scroll').hover();
    for (let i = 0; i < 12; i += 1) await page.mouse.wheel(0, -2_000);
    await page.getByText('merge-api history 1', { exact: true }).waitFor({ timeout: 20_000 });
    await page.getByText('merge-db history 1', { exact: true }).waitFor({ timeout: 20_000 });
    await expectMerged(page);
    await shot(page, 'views-merged-top');
    await page.keyboard.press('End');
  }, 60_000);

  it('shows the same containers side by side, each pane with only its own lines', async () => {
    await page.getByRole('radio', { name: 'Side by side' }).click();

    await expect.poll(() => page.locator('.log-pane').count(), { timeout: 10_000 }).toBe(2);
    for (const [index, name] of NAMES.entries()) {
      const pane = `.log-pane:nth-child(${index + 1})`;
      expect(await page.locator(`${pane} .log-name`).innerText()).toBe(name);
      await vi.waitFor(async () => expect((await shownLines(page, pane)).length).toBeGreaterThan(5), { timeout: 20_000 });
      for (const line of await shownLines(page, pane)) expect(line.text.startsWith(`${name} `)).toBe(true);
    }
    expect(new URLSearchParams(new URL(page.url()).hash.slice(1)).get('layout')).toBe('panes');
    await shot(page, 'views-panes');
  }, 60_000);

  it('opens a link to the merged view as the same merged view, and one to the panes as the panes', async () => {
    await page.getByRole('radio', { name: 'Merged' }).click();
    const hash = new URL(page.url()).hash.slice(1);
    const other = await stack.newPage();
    other.on('pageerror', (error) => pageErrors.push(error.message));
    try {
      await other.goto(`${stack.site.url}#token=${encodeURIComponent(stack.cloud.viewerToken)}&${hash}`);

      await expect.poll(() => other.locator('.view-chip').count(), { timeout: 30_000 }).toBe(2);
      // Named once the inventory has come (until then by their ids).
      await expect.poll(() => other.locator('.view-chip-name').allInnerTexts(), { timeout: 30_000 }).toEqual([...NAMES]);
      expect(await other.getByRole('radio', { name: 'Merged' }).getAttribute('aria-checked')).toBe('true');
      await expectMerged(other);
      await shot(other, 'views-deep-link');
    } finally {
      await other.close();
    }
    // And a link to the panes opens the panes.
    const panes = await stack.newPage();
    try {
      await panes.goto(`${stack.site.url}#token=${encodeURIComponent(stack.cloud.viewerToken)}&${hash}&layout=panes`);
      await expect.poll(() => panes.locator('.log-pane').count(), { timeout: 30_000 }).toBe(2);
    } finally {
      await panes.close();
    }
    expect(pageErrors).toEqual([]);
  }, 90_000);

  it('takes a container out with its ×, and adds it back from the search with Shift-Enter', async () => {
    await page.getByRole('button', { name: 'Remove merge-db from the view' }).click();
    await expect.poll(() => page.locator('.view-chip').count(), { timeout: 10_000 }).toBe(0);
    expect(await page.locator('.main .log-name').innerText()).toBe('merge-api');

    await page.keyboard.press('Control+k');
    await page.getByRole('combobox', { name: 'Find a container' }).fill('merge-db');
    await page.keyboard.press('Shift+Enter');

    await expect.poll(() => page.locator('.view-chip-name').allInnerTexts(), { timeout: 10_000 }).toEqual([...NAMES]);
    await expectMerged(page);
    expect(pageErrors).toEqual([]);
  }, 60_000);

  it('shows the view of another link pasted into the open tab, and the view before on back, without a reload', async () => {
    const both = new URLSearchParams(new URL(page.url()).hash.slice(1));
    const [apiId, dbId] = both.getAll('container');
    // Gone if the page were loaded again.
    await page.evaluate(() => Object.assign(globalThis, { sidetailSameDocument: true }));

    await page.goto(`${stack.site.url}#host=${AGENT_ID}&container=${dbId}&q=merge-db+tick`);

    await expect.poll(() => page.locator('.view-chip').count(), { timeout: 10_000 }).toBe(0);
    expect(await page.locator('.main .log-name').innerText()).toBe('merge-db');
    expect(await page.getByRole('searchbox', { name: /filter/i }).inputValue()).toBe('merge-db tick');
    await vi.waitFor(
      async () => {
        const lines = await shownLines(page);
        expect(lines.length).toBeGreaterThan(0);
        for (const line of lines) expect(line.text.startsWith('merge-db tick')).toBe(true);
      },
      { timeout: 10_000 },
    );

    await page.goto(`${stack.site.url}#host=${AGENT_ID}&container=${apiId}&host=${AGENT_ID}&container=${dbId}&layout=panes`);
    await expect.poll(() => page.locator('.log-pane').count(), { timeout: 10_000 }).toBe(2);
    expect(await page.getByRole('searchbox', { name: /filter/i }).inputValue()).toBe('');

    await page.goBack();
    await expect.poll(() => page.locator('.log-pane').count(), { timeout: 10_000 }).toBe(0);
    expect(await page.locator('.main .log-name').innerText()).toBe('merge-db');
    expect(await page.getByRole('searchbox', { name: /filter/i }).inputValue()).toBe('merge-db tick');
    expect(await page.evaluate(() => (globalThis as { sidetailSameDocument?: boolean }).sidetailSameDocument)).toBe(true);
    expect(pageErrors).toEqual([]);
  }, 60_000);
});
