/**
 * What the agent does with a batch the cloud did not take — the one decision that separates
 * "send it again" from "its lines are lost, say so".
 *
 * Lines are given up only when sending them again cannot succeed; a cloud that is down, slow or
 * failing is waited out (Docker's log holds what follows meanwhile, see memory-budget.ts):
 *
 *   resend   `internal` and every other `retry: true` refusal (a fault of the cloud's; an identical
 *            redelivery of a batch stored meanwhile is simply acked), `not_registered` (after the
 *            agent registers again), and `forbidden`: the connection lost the host's registration
 *            to a newer one, and the batch goes again on that one.
 *   replace  the same batch would be refused again (`malformed`, `too_large`, any other
 *            `retry: false`): its lines become one `refused` skip marker, numbered in their place.
 *   drop     `conflict`: the buffer holds different lines at these seqs. A marker there would clash
 *            the same way, so the lines are dropped with an error line, and the seqs stay the
 *            stored lines' — a viewer sees those.
 *
 * A batch the cloud keeps failing on is *crash-looping* — a poison batch that fails the Lambda
 * each time — and must not block its container forever, nor be dropped in silence: once its
 * attempts have failed (refused `internal`, unacked, or answered by API Gateway's "Internal server
 * error"; not `forbidden`, which is about the connection) at least `failures` times over at
 * least `afterMs`, while the cloud took other batches meanwhile, it is replaced by a `refused`
 * marker. If the cloud took nothing else meanwhile, that
 * is an outage rather than a poison batch, and it is given up only after `aloneAfterMs`.
 */
import type { ErrorMessage } from '../../protocol';

export type RefusalVerdict = 'resend' | 'replace' | 'drop';

export function verdictOn(refusal: Pick<ErrorMessage, 'code' | 'retry'>): RefusalVerdict {
  if (refusal.retry === true || refusal.code === 'internal' || refusal.code === 'not_registered' || refusal.code === 'forbidden') return 'resend';
  if (refusal.code === 'conflict') return 'drop';
  return 'replace';
}

export interface CrashLoopLimits {
  /** Failed attempts in a row, at least. Default 10. */
  readonly failures?: number;
  /** Over at least this long, while other batches were taken. Default 10 minutes. */
  readonly afterMs?: number;
  /** Over at least this long when nothing else was taken either (an outage, most likely). Default 1 hour. */
  readonly aloneAfterMs?: number;
}

export interface FailureStreak {
  readonly failures: number;
  readonly failingForMs: number;
  /** The cloud acknowledged some other batch since this streak began. */
  readonly othersTaken: boolean;
}

export function isCrashLooping(streak: FailureStreak, limits: CrashLoopLimits = {}): boolean {
  if (streak.failures < (limits.failures ?? 10)) return false;
  const after = streak.othersTaken ? (limits.afterMs ?? 10 * 60_000) : (limits.aloneAfterMs ?? 60 * 60_000);
  return streak.failingForMs >= after;
}
