/** A conditional write whose condition did not hold: an expected outcome, not a failure. */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';

/** Checks the name too: the error may come from another copy of the SDK, or an emulator. */
export function isConditionFailure(error: unknown): boolean {
  return error instanceof ConditionalCheckFailedException || (error as { name?: unknown } | null)?.name === 'ConditionalCheckFailedException';
}
