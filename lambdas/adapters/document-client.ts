/** The DynamoDB document client, pointed at DynamoDB or, locally, at dynalite. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { localClientOptions } from './local-client-options';

export interface DocumentClientOptions {
  /** Local only; in AWS the SDK finds the regional endpoint. */
  readonly endpoint?: string;
  readonly region?: string;
}

export function createDocumentClient(options: DocumentClientOptions = {}): DynamoDBDocumentClient {
  const client = new DynamoDBClient(options.endpoint ? localClientOptions(options.endpoint, options.region) : { region: options.region });
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}
