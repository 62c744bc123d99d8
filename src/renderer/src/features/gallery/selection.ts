/**
 * Which images are selected. "Select all" over 100,000 images must not list them, so it is a flag
 * with exceptions; an ordinary selection lists its names.
 */
export interface Selection {
  all: boolean;
  /** Selected names, or with `all` the names left out. */
  names: ReadonlySet<string>;
}

export const NO_SELECTION: Selection = { all: false, names: new Set() };

export function isSelected(selection: Selection, name: string): boolean {
  return selection.all ? !selection.names.has(name) : selection.names.has(name);
}

export function selectedCount(selection: Selection, total: number | null): number {
  return selection.all ? Math.max(0, (total ?? 0) - selection.names.size) : selection.names.size;
}

export function toggled(selection: Selection, name: string): Selection {
  const names = new Set(selection.names);
  if (names.has(name)) names.delete(name);
  else names.add(name);
  return { all: selection.all, names };
}
