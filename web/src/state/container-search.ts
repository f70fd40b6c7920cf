/**
 * The container search (Ctrl/Cmd-K): every known container, on every host (offline ones too),
 * matched fuzzily against its name, image and host. Pure.
 *
 * A query matches a field when its characters appear in it in order (case-insensitively);
 * matches score higher for characters in a row, at the start of a word, and in the name rather
 * than the image or host. An empty query lists everything, running containers first.
 */
import type { ContainerInfo } from '../../../protocol';
import type { HostView } from './inventory-store';
import { displayName, sortHosts } from './inventory-order';

export interface FuzzyMatch {
  readonly score: number;
  /** Positions in the text that matched, for highlighting. */
  readonly positions: readonly number[];
}

const WORD_START = /[\s/_.:@-]/;

/** The query's characters in order in the text, scored; undefined when they are not all there. */
export function fuzzyMatch(text: string, query: string): FuzzyMatch | undefined {
  if (query === '') return { score: 0, positions: [] };
  const haystack = text.toLowerCase();
  const needle = query.toLowerCase().replace(/\s+/g, '');
  if (needle === '') return { score: 0, positions: [] };
  // A plain substring is the best kind of match: prefer it to scattered characters.
  const at = haystack.indexOf(needle);
  if (at >= 0) {
    const positions = Array.from({ length: needle.length }, (_, i) => at + i);
    return { score: 100 + needle.length * 10 + (at === 0 || WORD_START.test(text[at - 1]!) ? 30 : 0) - at * 0.1, positions };
  }
  const positions: number[] = [];
  let score = 0;
  let from = 0;
  for (const char of needle) {
    const found = haystack.indexOf(char, from);
    if (found < 0) return undefined;
    const previous = positions[positions.length - 1];
    score += previous !== undefined && found === previous + 1 ? 8 : 1;
    if (found === 0 || WORD_START.test(text[found - 1]!)) score += 5;
    positions.push(found);
    from = found + 1;
  }
  return { score: score - (positions[0] ?? 0) * 0.1, positions };
}

export interface ContainerHit {
  readonly host: HostView;
  readonly container: ContainerInfo;
  readonly name: string;
  readonly score: number;
  /** Where the query matched the name (empty when it matched elsewhere). */
  readonly namePositions: readonly number[];
}

export interface SearchOptions {
  readonly showStopped: boolean;
  /** Default 50. */
  readonly limit?: number;
}

/** Fields weigh differently: a match in the name is what the reader most likely meant. */
const WEIGHTS = { name: 1, image: 0.6, host: 0.4 } as const;

export function searchContainers(hosts: readonly HostView[], query: string, options: SearchOptions): ContainerHit[] {
  const hits: ContainerHit[] = [];
  let order = 0;
  const rank = new Map<ContainerInfo, number>();
  for (const host of sortHosts(hosts)) {
    for (const container of host.containers) {
      rank.set(container, order++);
      if (!options.showStopped && container.state !== 'running') continue;
      const name = displayName(container);
      const inName = fuzzyMatch(name, query);
      const inImage = fuzzyMatch(container.image, query);
      const inHost = fuzzyMatch(host.hostName, query);
      const score = Math.max((inName?.score ?? -Infinity) * WEIGHTS.name, (inImage?.score ?? -Infinity) * WEIGHTS.image, (inHost?.score ?? -Infinity) * WEIGHTS.host);
      if (score === -Infinity) continue;
      hits.push({ host, container, name, score, namePositions: inName?.positions ?? [] });
    }
  }
  // Ties (an empty query, above all) keep the sidebar's order: hosts by name, running first.
  hits.sort((a, b) => b.score - a.score || rank.get(a.container)! - rank.get(b.container)!);
  return hits.slice(0, options.limit ?? 50);
}
