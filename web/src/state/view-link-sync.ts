/**
 * The view and its address kept together: a link opened applies its view (the containers through
 * the session's watch policy, their layout, the filter, the place to jump to), and every later change of the view
 * writes the address again (history.replaceState: no history entry per keystroke). An address
 * changed in an open tab (another link pasted, back or forward) applies its view as a load of it
 * does. The halves are pure over the stores, so node tests run them; Dashboard.tsx wires them to
 * the address (its changes handed over by App.tsx, the token out of it) and an effect.
 */
import { batch } from 'solid-js';
import type { ContainerRef } from '../../../protocol';
import type { FilterStore } from './filter-store';
import type { FollowStore } from './follow-store';
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
  readonly follow: FollowStore;
}

/**
 * Applies a link as a load of it shows it: its filter, its place (none: the newest lines,
 * followed); its containers when it names any — else those shown stay, as a load shows those
 * remembered — and their layout when it names several (the address names a layout only then: one
 * container's keeps the one remembered).
 *
 * The filter, containers and layout change as one (a batch): a view between the old link and the
 * new — the new query read as the old link's regular expression, say — is never compiled, run
 * over the lines or written as an address. The place comes after: a change of containers lets go
 * of the place (Dashboard.tsx) when the batch ends.
 */
export function applyViewLink(link: ViewLink, targets: LinkTargets): void {
  const { filter } = targets;
  batch(() => {
    filter.setQuery(link.query);
    filter.setRegex(link.regex);
    filter.setCaseSensitive(link.caseSensitive);
    filter.setInvert(link.invert);
    filter.setStream(link.stream);
    filter.setHiddenLevels(link.hiddenLevels);
    if (link.containers.length > 0) targets.show(link.containers);
    if (link.containers.length > 1) targets.setLayout(link.layout);
  });
  if (link.place) {
    targets.jump.jumpTo(link.place);
  } else {
    targets.jump.clear();
    targets.follow.follow();
  }
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
