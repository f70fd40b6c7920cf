/**
 * The local gateway's seeded generator with the draws the fuzz suite makes: a failing run prints
 * its seed, and the same seed replays the same messages in the same order.
 */
import { seededRandom, type Random } from '../../infra/local/seeded-random';

export class SeededRandom {
  /** A float in [0, 1). */
  readonly next: Random;

  constructor(readonly seed: number) {
    this.next = seededRandom(seed);
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)]!;
  }

  /** `length` characters drawn from `alphabet`. */
  string(length: number, alphabet: string): string {
    let text = '';
    for (let i = 0; i < length; i++) text += alphabet[this.int(0, alphabet.length - 1)];
    return text;
  }
}
