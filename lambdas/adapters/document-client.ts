/** The DynamoDB document client, pointed at DynamoDB or, locally, at dynalite. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { localClientOptions } from './local-client-options';
import { guardInvocationDeadline } from './local-invocation-deadline';

export interface DocumentClientOptions {
  /** Local only; in AWS the SDK finds the regional endpoint. */
  readonly endpoint?: string;
  readonly region?: string;
}

export function createDocumentClient(options: DocumentClientOptions = {}): DynamoDBDocumentClient {
  const client = new DynamoDBClient(options.endpoint ? localClientOptions(options.endpoint, options.region) : { region: options.region });
  // Locally nothing stops a timed-out invocation; this makes its later requests fail as on AWS.
  if (options.endpoint) guardInvocationDeadline(client);
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}
