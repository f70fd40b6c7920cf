/**
 * The built dashboard runs under a strict Content-Security-Policy (script-src 'self', set as a
 * header where it is served): nothing in index.html may be inline script. Built here as
 * `npm run build:web` does, into a temporary directory.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

describe('the built index.html', () => {
  let outDir: string;
  let html: string;

  beforeAll(async () => {
    outDir = await mkdtemp(join(tmpdir(), 'sidetail-dist-'));
    await build({
      configFile: fileURLToPath(new URL('../../web/vite.config.ts', import.meta.url)),
      build: { outDir, emptyOutDir: true },
      logLevel: 'silent',
    });
    html = await readFile(join(outDir, 'index.html'), 'utf8');
  }, 120_000);

  afterAll(async () => {
    if (outDir) await rm(outDir, { recursive: true, force: true });
  });

  it('loads every script from a file of its own origin, none inline', () => {
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attributes, body] of scripts) {
      expect(attributes).toMatch(/\bsrc="\.\/assets\/[\w.-]+\.js"/);
      expect(body!.trim()).toBe('');
    }
  });

  it('has no inline event handler, javascript: URL or inline style block', () => {
    expect(html).not.toMatch(/\son[a-z]+\s*=/i);
    expect(html).not.toMatch(/javascript:/i);
    expect(html).not.toMatch(/<style\b/i);
  });

  it('sets no policy of its own: the server sends it, knowing the WebSocket URL it must allow', () => {
    expect(html).not.toMatch(/http-equiv="Content-Security-Policy"/i);
  });

  it('ships no bench or test entry in the bundle', async () => {
    const assets = await readdir(join(outDir, 'assets'));
    const code = (await Promise.all(assets.filter((f) => f.endsWith('.js')).map((f) => readFile(join(outDir, 'assets', f), 'utf8')))).join('');
    expect(code).not.toContain('__sidetailBench');
  });
});
