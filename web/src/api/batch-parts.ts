/**
 * Batches that travel in parts (docs/protocol.md, "Packed lines"), held until every part is in.
 *
 * Parts are collected per **stream** — one container's live batches, one history, one fetch
 * answer — so parts of different messages never mix. They may come in any order; a part sent
 * again replaces the one held. A batch that cannot complete any more is given up and reported
 * (`dropped`), so its seqs become a gap the dashboard fetches:
 *   - superseded: its stream brought a batch of later seqs (or of another epoch) — live parts come
 *     one after the other, a stored batch's parts in consecutive messages;
 *   - too old: no part of it came for `maxAgeMs` (see `expire`);
 *   - over the memory bound: held parts of all streams together stay under `maxHeldChars`; the
 *     batch waiting longest goes first;
 *   - its stream ended (`end`: a history's or a fetch answer's last message).
 */
import type { BatchPart } from '../../../protocol';
import { MAX_BATCH_BYTES, MAX_BATCH_PARTS } from '../../../protocol';

export interface PackedPiece {
  readonly epoch: number;
  readonly firstSeq: number;
  readonly lastSeq: number;
  readonly data: string;
  readonly part?: BatchPart;
}

/** A batch given up before all its parts came. */
export interface DroppedBatch {
  readonly stream: string;
  readonly epoch: number;
  readonly firstSeq: number;
  readonly lastSeq: number;
  readonly reason: string;
}

export interface PartOutcome {
  /** The batch's data in part order, once all its parts are in (a whole batch: its one data). */
  readonly complete?: readonly string[];
  /** Batches given up to make way (superseded, or over the memory bound). */
  readonly dropped: readonly DroppedBatch[];
}

/** Time without a new part after which a held batch is given up (an agent resends within 30 s). */
export const PART_MAX_AGE_MS = 45_000;
/** Room for the parts of a few of the largest batches at once (one in flight per container, a history, a fetch). */
export const MAX_HELD_PART_CHARS = 4 * MAX_BATCH_PARTS * MAX_BATCH_BYTES;

interface Held {
  readonly stream: string;
  readonly epoch: number;
  readonly firstSeq: number;
  readonly lastSeq: number;
  readonly pieces: (string | undefined)[];
  chars: number;
  lastPartAt: number;
}

export interface BatchPartsOptions {
  readonly maxAgeMs?: number;
  readonly maxHeldChars?: number;
  readonly now?: () => number;
}

export class BatchParts {
  readonly #maxAgeMs: number;
  readonly #maxHeldChars: number;
  readonly #now: () => number;
  /** Oldest first (insertion order): the memory bound gives up the batch waiting longest. */
  readonly #held = new Map<string, Held>();
  #chars = 0;

  constructor(options: BatchPartsOptions = {}) {
    this.#maxAgeMs = options.maxAgeMs ?? PART_MAX_AGE_MS;
    this.#maxHeldChars = options.maxHeldChars ?? MAX_HELD_PART_CHARS;
    this.#now = options.now ?? Date.now;
  }

  /** Characters of part data held now. */
  get heldChars(): number {
    return this.#chars;
  }

  /** One batch, or one part of one, of `stream`. */
  add(stream: string, piece: PackedPiece): PartOutcome {
    const dropped: DroppedBatch[] = [];
    for (const held of this.#held.values()) {
      if (held.stream !== stream || sameBatch(held, piece)) continue;
      if (held.epoch !== piece.epoch) dropped.push(this.#drop(held, 'a batch of another epoch followed it'));
      else if (piece.firstSeq > held.lastSeq) dropped.push(this.#drop(held, 'a batch of later seqs followed it'));
    }
    if (!piece.part) return { complete: [piece.data], dropped };

    const key = `${stream}|${piece.epoch}|${piece.firstSeq}|${piece.lastSeq}|${piece.part.count}`;
    let held = this.#held.get(key);
    if (!held) {
      held = { stream, epoch: piece.epoch, firstSeq: piece.firstSeq, lastSeq: piece.lastSeq, pieces: new Array(piece.part.count).fill(undefined), chars: 0, lastPartAt: 0 };
      this.#held.set(key, held);
    }
    const previous = held.pieces[piece.part.index];
    held.pieces[piece.part.index] = piece.data;
    const grown = piece.data.length - (previous?.length ?? 0);
    held.chars += grown;
    this.#chars += grown;
    held.lastPartAt = this.#now();

    if (held.pieces.every((data) => data !== undefined)) {
      this.#forget(key, held);
      return { complete: held.pieces as string[], dropped };
    }
    for (const [otherKey, other] of this.#held) {
      if (this.#chars <= this.#maxHeldChars) break;
      dropped.push(this.#drop(other, `its parts would pass the ${this.#maxHeldChars} characters held for parts`, otherKey));
    }
    return { dropped };
  }

  /** Gives up the batches of `stream` still incomplete: it ended (a history's or a fetch answer's last message). */
  end(stream: string): DroppedBatch[] {
    return [...this.#held.values()].filter((held) => held.stream === stream).map((held) => this.#drop(held, 'its stream ended before all its parts came'));
  }

  /** Gives up the batches whose last part came `maxAgeMs` ago or longer. */
  expire(): DroppedBatch[] {
    const now = this.#now();
    return [...this.#held.values()].filter((held) => now - held.lastPartAt >= this.#maxAgeMs).map((held) => this.#drop(held, `no part of it came for ${this.#maxAgeMs} ms`));
  }

  #drop(held: Held, reason: string, key = keyOf(held)): DroppedBatch {
    this.#forget(key, held);
    return { stream: held.stream, epoch: held.epoch, firstSeq: held.firstSeq, lastSeq: held.lastSeq, reason };
  }

  #forget(key: string, held: Held): void {
    if (this.#held.delete(key)) this.#chars -= held.chars;
  }
}

function sameBatch(held: Held, piece: PackedPiece): boolean {
  return held.epoch === piece.epoch && held.firstSeq === piece.firstSeq && held.lastSeq === piece.lastSeq;
}

function keyOf(held: Held): string {
  return `${held.stream}|${held.epoch}|${held.firstSeq}|${held.lastSeq}|${held.pieces.length}`;
}
