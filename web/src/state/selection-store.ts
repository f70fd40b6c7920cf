/** Which container the log view shows. Create inside a component (createSelector needs an owner). */
import { createSelector, createSignal, type Accessor } from 'solid-js';
import { containerKey, type ContainerRef } from '../../../protocol';

export interface SelectionStore {
  readonly selected: Accessor<ContainerRef | undefined>;
  isSelected(ref: ContainerRef): boolean;
  /** Returns the previous selection. */
  select(ref: ContainerRef | undefined): ContainerRef | undefined;
}

export function createSelectionStore(): SelectionStore {
  const [selected, setSelected] = createSignal<ContainerRef | undefined>(undefined, {
    equals: (a, b) => (a && containerKey(a)) === (b && containerKey(b)),
  });
  // One tracked comparison per row that changes, instead of every row re-checking on each click.
  const isSelectedKey = createSelector<string | undefined, string>(() => {
    const current = selected();
    return current && containerKey(current);
  });
  return {
    selected,
    isSelected: (ref) => isSelectedKey(containerKey(ref)),
    select(ref) {
      const previous = selected();
      setSelected(ref === undefined ? undefined : { agentId: ref.agentId, containerId: ref.containerId });
      return previous;
    },
  };
}
