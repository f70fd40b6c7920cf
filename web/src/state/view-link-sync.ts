/**
 * The view and its address kept together: a link opened applies its view (the containers through
 * the session's watch policy, their layout, the filter, the place to jump to), and every later change of the view
 * writes the address again (history.replaceState: no history entry per keystroke). An address
 * changed in an open tab (another link pasted, back or forward) applies its view as a load of it
 * does. The halves are pure over the stores, so node tests run them; Dashboard.tsx wires them to
 * the window and an effect.
 */
import type { ContainerRef } from '../../../protocol';
import type { FilterStore } from './filter-store';
import type { JumpStore } from './jump-store';
import type { LineFilter } from './line-filter';
import type { ViewLayout } from './selection-store';
import { formatViewLink, parseViewLink, type ViewLink, type ViewPlace } from './view-link';

export interface LinkTargets {
  /** Shows exactly these containers (the session's show: the selection store, and their subscriptions). */
  show(refs: readonly ContainerRef[]): void;
  setLayout(layout: ViewLayout): void;
  readonly filter: FilterStore;
  readonly jump: JumpStore;
}

/**
 * Applies a link as a load of it shows it: its filter, its place (none: none); its containers when
 * it names any — else those shown stay, as a load shows those remembered — and their layout when it
 * names several (the address names a layout only then: one container's keeps the one remembered).
 */
export function applyViewLink(link: ViewLink, targets: LinkTargets): void {
  const { filter } = targets;
  filter.setQuery(link.query);
  filter.setRegex(link.regex);
  filter.setCaseSensitive(link.caseSensitive);
  filter.setInvert(link.invert);
  filter.setStream(link.stream);
  filter.showAllLevels();
  for (const level of link.hiddenLevels) filter.toggleLevel(level);
  if (link.containers.length > 0) targets.show(link.containers);
  if (link.containers.length > 1) targets.setLayout(link.layout);
  if (link.place) targets.jump.jumpTo(link.place);
  else targets.jump.clear();
}

/**
 * The address changed in an open tab: the view it names is shown as a load of it shows it (what
 * it cannot read left out, the rest applied). An address naming the view on screen — the one
 * written from it — is applied no more: nothing would change but a place jumped to, shown again
 * where the reader has scrolled from. True when it was applied.
 */
export function applyChangedViewLink(hash: string, now: ViewNow, targets: LinkTargets): boolean {
  const link = parseViewLink(hash);
  if (formatViewLink(link) === formatViewLink(viewLinkOf(now))) return false;
  applyViewLink(link, targets);
  return true;
}

export interface ViewNow {
  readonly watched: readonly ContainerRef[];
  readonly layout: ViewLayout;
  readonly filter: LineFilter;
  readonly place: ViewPlace | undefined;
}

/** The link of the view on screen. */
export function viewLinkOf(view: ViewNow): ViewLink {
  const { filter } = view;
  return {
    containers: view.watched,
    layout: view.layout,
    query: filter.query,
    regex: filter.regex === true,
    caseSensitive: filter.caseSensitive === true,
    invert: filter.invert === true,
    stream: filter.stream,
    hiddenLevels: filter.hiddenLevels ?? new Set(),
    ...(view.place ? { place: view.place } : {}),
  };
}
