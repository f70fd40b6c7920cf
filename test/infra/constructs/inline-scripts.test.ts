import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { afterAll, describe, expect, it } from 'vitest';
import { findInlineScripts } from '../../../infra/constructs/inline-scripts';

describe('findInlineScripts', () => {
  it.each([
    ['a module script loaded from a file', '<script type="module" crossorigin src="./assets/index-1.js"></script>'],
    ['a stylesheet and a data: favicon', '<link rel="stylesheet" href="./a.css"><link rel="icon" href="data:image/svg+xml,%3Csvg%3E">'],
    ['text that merely mentions onload', '<p>the onload= attribute is banned</p>'],
  ])('finds nothing in %s', (_case, html) => {
    expect(findInlineScripts(html)).toEqual([]);
  });

  it.each([
    ['an inline script', '<script>window.boot()</script>', ['inline <script>']],
    ['an inline module script', '<script type="module">import "./a.js"</script>', ['inline <script type="module">']],
    ['an event handler attribute', '<img src="a.png" onerror="alert(1)">', ['inline event handler onerror']],
    ['a javascript: link', '<a href="javascript:void(0)">x</a>', ['javascript: URL']],
  ])('finds %s', (_case, html, findings) => {
    expect(findInlineScripts(html)).toEqual(findings);
  });
});

describe('the dashboard as `npm run build:web` builds it', () => {
  const outDir = mkdtempSync(join(tmpdir(), 'sidetail-web-'));
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it('has no inline script, so the DashboardSite CSP (script-src \'self\') lets it run', async () => {
    await build({
      configFile: fileURLToPath(new URL('../../../web/vite.config.ts', import.meta.url)),
      logLevel: 'silent',
      build: { outDir, emptyOutDir: true },
    });
    const html = readFileSync(join(outDir, 'index.html'), 'utf8');

    expect(html).toMatch(/<script type="module" crossorigin src="\.\/assets\/[^"]+\.js"><\/script>/);
    expect(findInlineScripts(html)).toEqual([]);
    expect(html).not.toMatch(/\sstyle=/);
  }, 120_000);
});
