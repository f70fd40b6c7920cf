/**
 * A size as people write it in configuration: `67108864`, `512k`, `64m`, `64MiB`, `1g`. Units are
 * binary (k = 1024 bytes), as Docker's own `--memory` reads them; a missing unit means bytes.
 * Undefined for anything else, so the caller can say which setting was wrong.
 */
const UNITS: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

export function parseByteSize(text: string): number | undefined {
  const match = /^(\d+)\s*([kmg]?)(?:i?b)?$/i.exec(text.trim());
  if (!match) return undefined;
  const bytes = Number(match[1]) * UNITS[match[2]!.toLowerCase()]!;
  return Number.isSafeInteger(bytes) && bytes > 0 ? bytes : undefined;
}
