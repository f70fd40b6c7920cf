/**
 * A message encoded once, to be posted as the same text to many connections: a broadcast costs
 * one JSON.stringify, not one per subscriber.
 */
import { encode, type CloudToAgent, type CloudToViewer } from '../../protocol';

export class EncodedMessage {
  private constructor(
    /** Kept for logs, so a failed delivery can name what it was. */
    readonly action: string,
    readonly text: string,
  ) {}

  static of(message: CloudToAgent | CloudToViewer): EncodedMessage {
    return new EncodedMessage(message.action, encode(message));
  }
}
