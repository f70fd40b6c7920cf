/**
 * Which container a line is from, where lines of several are shown together: its name, and the
 * colour it is told apart by — one of a fixed palette, by the container's place among those shown
 * (the first shown is always the first colour). Pure.
 */
export interface LineSource {
  readonly name: string;
  /** A CSS colour. */
  readonly colour: string;
}

/** Hues apart from each other and from the level colours (red, amber), readable on the dark theme. */
export const SOURCE_COLOURS = ['#6cb6ff', '#d2a8ff', '#56d4dd', '#f0a8d0', '#a5d6a7', '#ffa657', '#b4c7e7', '#e6d58a'] as const;

export function sourceColour(index: number): string {
  return SOURCE_COLOURS[((index % SOURCE_COLOURS.length) + SOURCE_COLOURS.length) % SOURCE_COLOURS.length]!;
}
