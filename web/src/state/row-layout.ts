/**
 * Where each row of the log view sits, for its virtual list (LogView.tsx). Pure: no Solid, no DOM.
 *
 * A row is as tall as its kind's estimate until it is measured on screen (a wrapped line, an open
 * JSON tree, a marker); only rows in view are ever measured. Sizes live in a typed array by row
 * with tops summed lazily from the first changed row, so the list's height and the row at an
 * offset cost nothing per row that did not change.
 *
 * The rows arrive as a new array after every change, with the count of changes that were not
 * appends or front drops (`rewrites`). The common change — rows appended at the end and the oldest
 * dropped at the front (a live container at the cap) — is recognised by that count staying the
 * same and by identity (the first row is an old one, the old last row is where it should be), and
 * costs what was added and dropped. Anything else (a filter, a gap filled in place, a row placed
 * among others, older lines above) lays every row out again, from the sizes measured so far,
 * remembered by key.
 */

export interface KeyedRow {
  readonly key: string;
}

/**
 * A view's rows as they change: a new array after every change, and how many changes so far were
 * not rows appended at the end or dropped at the front (LineBuffer.rewrites, or the count of
 * whatever derived the rows). A row replaced in place — a gap filled by its line — leaves both
 * ends and the length as they were: only the count tells it from an append.
 */
export interface ChangingRows<Row> {
  readonly rows: readonly Row[];
  readonly rewrites: number;
}

/**
 * What `update` found: rows only added at the end and dropped at the front (`shifted`: how many
 * went, and how tall they were together), or laid out anew.
 */
export type LayoutChange =
  | { readonly kind: 'same' }
  | { readonly kind: 'shifted'; readonly dropped: number; readonly droppedPx: number }
  | { readonly kind: 'rebuilt' };

export class RowLayout<Row extends KeyedRow> {
  readonly #estimate: (row: Row) => number;
  #rows: readonly Row[] = [];
  #rewrites = 0;
  // Physical slots: row i is slot #base + i; dropping rows at the front moves #base.
  #sizes = new Float64Array(1024);
  /** #tops[s] is the top of slot s counted from slot 0; valid for s <= #valid. */
  #tops = new Float64Array(1025);
  #base = 0;
  #valid = 0;
  /** Measured sizes that differ from their row's estimate, by key: a relayout keeps them. */
  #measured = new Map<string, number>();

  constructor(estimate: (row: Row) => number) {
    this.#estimate = estimate;
  }

  get rows(): readonly Row[] {
    return this.#rows;
  }

  get length(): number {
    return this.#rows.length;
  }

  /** The rows' new array: shifts what is known, or lays everything out again. */
  update(next: ChangingRows<Row>): LayoutChange {
    const previous = this.#rows;
    const { rows } = next;
    if (rows === previous) return { kind: 'same' };
    const dropped = droppedAtFront({ rows: previous, rewrites: this.#rewrites }, next);
    this.#rows = rows;
    this.#rewrites = next.rewrites;
    if (dropped === undefined) {
      this.#relayout();
      return { kind: 'rebuilt' };
    }
    if (this.#measured.size > 0) for (let i = 0; i < dropped; i += 1) this.#measured.delete(previous[i]!.key);
    // Still laid out as the previous rows: the height of the ones going.
    const droppedPx = this.#heightBefore(dropped);
    this.#base += dropped;
    const kept = previous.length - dropped;
    this.#reserve(rows.length, kept);
    for (let i = kept; i < rows.length; i += 1) this.#sizes[this.#base + i] = this.#estimate(rows[i]!);
    this.#valid = Math.min(this.#valid, this.#base + kept);
    return { kind: 'shifted', dropped, droppedPx };
  }

  /** A row measured on screen. Whether that moved anything. */
  setSize(index: number, size: number): boolean {
    const row = this.#rows[index];
    if (row === undefined) return false;
    const slot = this.#base + index;
    if (this.#sizes[slot] === size) return false;
    this.#sizes[slot] = size;
    if (size === this.#estimate(row)) this.#measured.delete(row.key);
    else this.#measured.set(row.key, size);
    this.#valid = Math.min(this.#valid, slot);
    return true;
  }

  /** What was measured no longer holds (the width changed, lines wrap or not): back to the estimates. */
  forgetSizes(): void {
    this.#measured.clear();
    this.#relayout();
  }

  size(index: number): number {
    return this.#sizes[this.#base + index] ?? 0;
  }

  /** The top of row `index` (the total height for `index === length`). */
  start(index: number): number {
    const slot = this.#base + Math.max(0, Math.min(index, this.#rows.length));
    this.#sumTo(slot);
    return this.#tops[slot]! - this.#tops[this.#base]!;
  }

  get total(): number {
    return this.start(this.#rows.length);
  }

  /** The row at `offset` (the first one at or below 0, the last one past the end); -1 without rows. */
  indexAt(offset: number): number {
    const count = this.#rows.length;
    if (count === 0) return -1;
    this.#sumTo(this.#base + count);
    const origin = this.#tops[this.#base]!;
    let low = 0;
    let high = count - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.#tops[this.#base + mid]! - origin <= offset) low = mid;
      else high = mid - 1;
    }
    return low;
  }

  /** The height of the first `count` rows, as laid out now. */
  #heightBefore(count: number): number {
    const slot = this.#base + count;
    this.#sumTo(slot);
    return this.#tops[slot]! - this.#tops[this.#base]!;
  }

  #relayout(): void {
    const rows = this.#rows;
    this.#base = 0;
    this.#reserve(rows.length);
    const measured = this.#measured;
    const kept = new Map<string, number>();
    for (let i = 0; i < rows.length; i += 1) {
      const row = rows[i]!;
      const size = measured.size > 0 ? measured.get(row.key) : undefined;
      if (size !== undefined) kept.set(row.key, size);
      this.#sizes[i] = size ?? this.#estimate(row);
    }
    // Only the rows still held keep their measurement: the map stays as small as the rows.
    this.#measured = kept;
    this.#valid = 0;
  }

  /**
   * Room for `count` rows from #base, the first `live` of which hold sizes already: the dropped
   * front is compacted away (once at least `count` rows went, so it costs one pass per that many),
   * or the arrays grow.
   */
  #reserve(count: number, live = 0): void {
    if (this.#base + count <= this.#sizes.length) return;
    if (count * 2 <= this.#sizes.length) {
      this.#sizes.copyWithin(0, this.#base, this.#base + live);
    } else {
      const sizes = new Float64Array(Math.max(1024, count * 2));
      sizes.set(this.#sizes.subarray(this.#base, this.#base + live));
      this.#sizes = sizes;
      this.#tops = new Float64Array(sizes.length + 1);
    }
    this.#base = 0;
    this.#valid = 0;
  }

  #sumTo(slot: number): void {
    if (slot <= this.#valid) return;
    const tops = this.#tops;
    const sizes = this.#sizes;
    for (let s = this.#valid; s < slot; s += 1) tops[s + 1] = tops[s]! + sizes[s]!;
    this.#valid = slot;
  }
}

/**
 * How many rows of `previous` were dropped at the front when `next` is `previous` minus those plus
 * rows appended at the end — no change of another kind counted between them (`rewrites`), and
 * checked by identity at the first row and at the old last row; else undefined (the rows changed
 * otherwise, or none of the old ones is left).
 */
export function droppedAtFront<Row>(previous: ChangingRows<Row>, next: ChangingRows<Row>): number | undefined {
  const before = previous.rows;
  const after = next.rows;
  if (previous.rewrites !== next.rewrites || before.length === 0 || after.length === 0) return undefined;
  const first = after[0];
  let dropped = 0;
  while (dropped < before.length && before[dropped] !== first) dropped += 1;
  const kept = before.length - dropped;
  if (kept === 0 || kept > after.length) return undefined;
  return after[kept - 1] === before[before.length - 1] ? dropped : undefined;
}
