/**
 * What the refusal of a `log.batch` tells the agent about the batch: which one it was (container
 * and seqs, read from the body even when it failed validation, as far as it can be read) and
 * whether sending it again can succeed. Without this an agent could only wait for an ack that
 * never comes, and then drop a batch that may already be stored.
 */
import { SafeId, type ErrorCode, type ErrorMessage } from '../../protocol';
import { bodyObject } from './event-body';

export type BatchRefusal = Pick<ErrorMessage, 'containerId' | 'firstSeq' | 'lastSeq' | 'retry'>;

/**
 * Sending the same batch again can succeed: after a fault of ours (`internal`; an identical
 * redelivery of a batch already stored is acked), or once the agent has registered.
 */
const RETRYABLE: ReadonlySet<ErrorCode> = new Set(['internal', 'not_registered']);

export function batchRefusal(body: string | undefined, code: ErrorCode): BatchRefusal {
  return { ...identify(body), retry: RETRYABLE.has(code) };
}

function identify(body: string | undefined): Omit<BatchRefusal, 'retry'> {
  const { containerId, firstSeq, lastSeq } = bodyObject(body) ?? {};
  const seqs = [firstSeq, lastSeq].every(isSeq) ? { firstSeq: firstSeq as number, lastSeq: lastSeq as number } : {};
  return {
    ...(SafeId.safeParse(containerId).success ? { containerId: containerId as string } : {}),
    ...seqs,
  };
}

function isSeq(value: unknown): boolean {
  return Number.isSafeInteger(value) && (value as number) >= 1;
}
