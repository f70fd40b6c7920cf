/**
 * The real local stack for browser specs: the dashboard built by Vite (as `npm run build:web`
 * does, into a temporary directory), served by the local static server, against the local cloud
 * (gateway emulator, real handlers, dynalite) and the real agent following the run's private
 * dockerd. Chromium is Debian's, driven by playwright-core.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type Dockerode from 'dockerode';
import { chromium, type Browser, type LaunchOptions, type Page } from 'playwright-core';
import { build } from 'vite';
import { SidetailAgent } from '../../agent/agent';
import { dockerFromHost } from '../../agent/docker/docker-client';
import { DockerContainerSource } from '../../agent/docker/docker-container-source';
import { startLocalCloud, type LocalCloud } from '../../infra/local/cloud';
import { silentLogger } from '../../infra/local/logger';
import { startStaticServer, type StaticServer } from '../../infra/local/static-server';

export const CHROMIUM_LAUNCH: LaunchOptions = {
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
};

export interface DashboardStack {
  readonly docker: Dockerode;
  readonly cloud: LocalCloud;
  readonly site: StaticServer;
  readonly browser: Browser;
  /** The dashboard's address with the viewer token. */
  readonly dashboardUrl: string;
  newPage(): Promise<Page>;
  stop(): Promise<void>;
}

export async function startDashboardStack(options: { dockerHost: string; agentId: string }): Promise<DashboardStack> {
  const outDir = await mkdtemp(join(tmpdir(), 'sidetail-browser-'));
  const stops: (() => Promise<unknown>)[] = [() => rm(outDir, { recursive: true, force: true })];
  const stop = async () => {
    for (const step of stops.reverse()) await step().catch((error: unknown) => console.warn(`[browser stack] stop: ${String(error)}`));
  };
  try {
    await build({
      configFile: fileURLToPath(new URL('../../web/vite.config.ts', import.meta.url)),
      build: { outDir, emptyOutDir: true },
      logLevel: 'silent',
    });
    const cloud = await startLocalCloud({ gatewayPort: 0, agentId: options.agentId, logger: silentLogger });
    stops.push(() => cloud.stop());
    const site = await startStaticServer({ root: outDir, config: { wsUrl: cloud.wsUrl } });
    stops.push(() => site.stop());
    const docker = dockerFromHost(options.dockerHost);
    const agent = new SidetailAgent({
      url: cloud.wsUrl,
      token: cloud.agentToken,
      hostName: `${options.agentId}.test`,
      source: new DockerContainerSource(docker),
      logger: { info: () => {}, warn: (m) => console.warn(`[agent] ${m}`), error: (m) => console.error(`[agent] ${m}`) },
      tuning: { reconnect: { initialDelayMs: 200, maxDelayMs: 1_000 } },
    });
    agent.start();
    stops.push(() => agent.stop());
    const browser = await chromium.launch(CHROMIUM_LAUNCH);
    stops.push(() => browser.close());
    return {
      docker,
      cloud,
      site,
      browser,
      dashboardUrl: `${site.url}#token=${encodeURIComponent(cloud.viewerToken)}`,
      newPage: () => browser.newPage({ timezoneId: 'UTC', viewport: { width: 1280, height: 720 } }),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Where a spec's screenshots go (to be looked at): a fresh directory under the system's tmp. */
export async function screenshotDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'sidetail-screens-'));
}

/** Screenshots into a fresh directory (screenshotDir), each path printed to be looked at. */
export async function screenshots(): Promise<(page: Page, name: string) => Promise<void>> {
  const dir = await screenshotDir();
  return async (page, name) => {
    const path = join(dir, `${name}.png`);
    await page.screenshot({ path });
    console.log(`[screenshot] ${path}`);
  };
}

/** A started container of the run's busybox image running a shell script, with no network. */
export async function startScriptContainer(docker: Dockerode, options: { name: string; image: string; script: string }): Promise<Dockerode.Container> {
  const container = await docker.createContainer({ name: options.name, Image: options.image, Cmd: ['sh', '-c', options.script], HostConfig: { NetworkMode: 'none' } });
  await container.start();
  return container;
}
