/**
 * A view as an address: which containers (host and container id, a pair each, in the order
 * shown) and how several are laid out (`layout=panes`; merged by default), the filter (query, how it is
 * read, stream, hidden levels) and a place (a line by seq, or a moment by timestamp), in the
 * URL's hash (`#host=…&container=…&q=…`). The hash never reaches a server, so a link shared
 * keeps its filter to the people it is shared with; the viewer token (`#token=`) is taken out of
 * it at start-up (config/viewer-token.ts) and never written back. Pure: parsed and formatted
 * here, applied and kept up to date by state/view-link-sync.ts.
 *
 * What cannot be read is left out, never guessed: an unknown level or stream, a seq that is not
 * a positive integer, a time that is not RFC 3339. The rest of the link still applies.
 */
import { containerKey, isTimestamp, SafeId, type ContainerRef } from '../../../protocol';
import { LOG_LEVELS } from '../format/log-level';
import type { LevelChoice, StreamChoice } from './line-filter';
import { MAX_SHOWN, VIEW_LAYOUTS, type ViewLayout } from './selection-store';

/** Where in the lines a link points: a line by its seq, or the first line at or after a moment. */
export type ViewPlace = { readonly seq: number } | { readonly ts: string };

export interface ViewLink {
  /** The containers shown, in order; none: the link names no container. */
  readonly containers: readonly ContainerRef[];
  readonly layout: ViewLayout;
  readonly query: string;
  readonly regex: boolean;
  readonly caseSensitive: boolean;
  readonly invert: boolean;
  readonly stream: StreamChoice;
  readonly hiddenLevels: ReadonlySet<LevelChoice>;
  readonly place?: ViewPlace;
}

export const EMPTY_VIEW_LINK: ViewLink = {
  containers: [],
  layout: 'merged',
  query: '',
  regex: false,
  caseSensitive: false,
  invert: false,
  stream: 'all',
  hiddenLevels: new Set(),
};

const LEVEL_CHOICES: readonly LevelChoice[] = [...LOG_LEVELS, 'none'];
const STREAMS: readonly StreamChoice[] = ['all', 'stdout', 'stderr'];
/** The keys this module owns in the hash; any other (a token being taken out, say) is kept as it is. */
const KEYS = ['host', 'container', 'layout', 'q', 'regex', 'case', 'invert', 'stream', 'hide', 'line', 'at'] as const;

function paramsOf(hash: string): URLSearchParams {
  return new URLSearchParams(hash.startsWith('#') ? hash.slice(1) : hash);
}

export function parseViewLink(hash: string): ViewLink {
  const params = paramsOf(hash);
  const hosts = params.getAll('host');
  const containerIds = params.getAll('container');
  // A link is anyone's text: only ids the cloud could hold are asked for (a forged one would be
  // refused without naming its container, ending every container's wait), each once, and no more
  // than a view shows.
  const containers: ContainerRef[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < Math.min(hosts.length, containerIds.length) && containers.length < MAX_SHOWN; i += 1) {
    const ref = { agentId: hosts[i]!, containerId: containerIds[i]! };
    if (!SafeId.safeParse(ref.agentId).success || !SafeId.safeParse(ref.containerId).success || seen.has(containerKey(ref))) continue;
    seen.add(containerKey(ref));
    containers.push(ref);
  }
  const flag = (key: string) => params.get(key) === '1';
  const stream = params.get('stream') as StreamChoice | null;
  const hidden = (params.get('hide') ?? '')
    .split(',')
    .filter((level): level is LevelChoice => LEVEL_CHOICES.includes(level as LevelChoice));
  const layout = params.get('layout');
  const seqText = params.get('line');
  const seq = seqText !== null && /^[1-9]\d{0,15}$/.test(seqText) ? Number(seqText) : undefined;
  const ts = params.get('at');
  const place: ViewPlace | undefined =
    seq !== undefined && Number.isSafeInteger(seq) ? { seq } : ts !== null && isTimestamp(ts) ? { ts } : undefined;
  return {
    containers,
    layout: VIEW_LAYOUTS.find((known) => known === layout) ?? 'merged',
    query: params.get('q') ?? '',
    regex: flag('regex'),
    caseSensitive: flag('case'),
    invert: flag('invert'),
    stream: stream !== null && STREAMS.includes(stream) ? stream : 'all',
    hiddenLevels: new Set(hidden),
    ...(place ? { place } : {}),
  };
}

/**
 * The hash for a view: only what differs from an unfiltered view of the whole container, in a
 * fixed order (so the same view is always the same address). Keys of the current hash that are
 * not a view's are kept.
 */
export function formatViewLink(link: ViewLink, currentHash = ''): string {
  const params = paramsOf(currentHash);
  for (const key of KEYS) params.delete(key);
  for (const ref of link.containers) {
    params.append('host', ref.agentId);
    params.append('container', ref.containerId);
  }
  if (link.containers.length > 1 && link.layout === 'panes') params.set('layout', 'panes');
  if (link.query !== '') params.set('q', link.query);
  if (link.regex) params.set('regex', '1');
  if (link.caseSensitive) params.set('case', '1');
  if (link.invert) params.set('invert', '1');
  if (link.stream !== 'all') params.set('stream', link.stream);
  const hidden = LEVEL_CHOICES.filter((level) => link.hiddenLevels.has(level));
  if (hidden.length > 0) params.set('hide', hidden.join(','));
  if (link.place && 'seq' in link.place) params.set('line', String(link.place.seq));
  else if (link.place) params.set('at', link.place.ts);
  const text = params.toString();
  return text === '' ? '' : `#${text}`;
}
