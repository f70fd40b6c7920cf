/**
 * The single DynamoDB table behind Sidetail (connections, subscriptions, agents, buffered log
 * batches), keyed exactly as TABLE_DESIGN says so the cloud table and the local one agree.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { TABLE_DESIGN } from '../../lambdas/table-design';
import { InvalidPropsError } from './invalid-props-error';

export interface LogTableProps {
  /**
   * What happens to the table when it leaves the stack.
   * @default RemovalPolicy.RETAIN — deleting data must be a decision, not a side effect of `cdk destroy`.
   */
  readonly removalPolicy?: RemovalPolicy;
  /** Continuous backups, restorable to any second of the last 35 days. @default true */
  readonly pointInTimeRecovery?: boolean;
  /** Refuse DeleteTable even from CloudFormation. Contradicts removalPolicy DESTROY. @default false */
  readonly deletionProtection?: boolean;
}

export class LogTable extends Construct {
  public readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string, props: LogTableProps = {}) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    if (props.deletionProtection && removalPolicy === RemovalPolicy.DESTROY) {
      throw new InvalidPropsError('LogTable', 'deletionProtection would make removalPolicy DESTROY fail the stack deletion');
    }

    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: TABLE_DESIGN.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: TABLE_DESIGN.sortKey, type: dynamodb.AttributeType.STRING },
      // Traffic follows whoever is watching logs right now: bursty and often zero.
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: TABLE_DESIGN.ttlAttribute,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: props.pointInTimeRecovery ?? true },
      deletionProtection: props.deletionProtection ?? false,
      removalPolicy,
    });
  }
}
