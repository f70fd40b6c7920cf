import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tarOfOne } from '../../bench/log-container';

describe('tarOfOne', () => {
  it.each([0, 1, 511, 512, 513, 100_000])('makes an archive that tar extracts back to the same %i bytes', (size) => {
    const dir = mkdtempSync(join(tmpdir(), 'sidetail-tar-'));
    try {
      const content = Buffer.from(Array.from({ length: size }, (_, i) => (i * 7) % 251));
      writeFileSync(join(dir, 'a.tar'), tarOfOne('logs.txt', content));

      execFileSync('tar', ['-xf', join(dir, 'a.tar'), '-C', dir]);

      expect(readFileSync(join(dir, 'logs.txt')).equals(content)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
