/**
 * The alarms an operator of Sidetail wants to hear about, each firing on the first occurrence in a
 * five-minute window (any of these means lines are late or lost for someone): a function failing or
 * throttled, the WebSocket stage failing requests (5xx: an integration or execution error), the
 * table throttling. Optionally an SNS topic that mails them.
 *
 * Not alarmed: the stage's ClientError (4xx) — refused tokens and throttled messages are clients'
 * doing and would page on every misconfigured agent; see them in the access logs and metrics.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { InvalidPropsError } from './invalid-props-error';

/** A deliberately loose check: SNS validates the address; this catches a missing or swapped value. */
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export interface OperationsAlarmsProps {
  /** Functions to watch for errors and throttles, by a name used in the alarm's id and description. */
  readonly functions: ReadonlyMap<string, lambda.IFunction>;
  /** The WebSocket stage: AWS/ApiGateway metrics by ApiId and Stage. */
  readonly webSocketStage: { readonly apiId: string; readonly stageName: string };
  readonly table: dynamodb.ITable;
  /** Mail every alarm (and its return to OK) here; the address must confirm the subscription. @default no topic */
  readonly email?: string;
  /** @default Duration.minutes(5) */
  readonly period?: Duration;
}

export class OperationsAlarms extends Construct {
  public readonly alarms: readonly cloudwatch.Alarm[];
  /** The topic the alarms publish to, when `email` is set. */
  public readonly topic: sns.Topic | undefined;

  constructor(scope: Construct, id: string, props: OperationsAlarmsProps) {
    super(scope, id);
    if (props.email !== undefined && !EMAIL.test(props.email)) {
      throw new InvalidPropsError('OperationsAlarms', `email must be an e-mail address, got ${JSON.stringify(props.email)}`);
    }
    if (props.functions.size === 0) throw new InvalidPropsError('OperationsAlarms', 'functions is empty: nothing to watch');
    const period = props.period ?? Duration.minutes(5);
    const alarms: cloudwatch.Alarm[] = [];
    const alarm = (alarmId: string, metric: cloudwatch.IMetric, description: string) => {
      alarms.push(
        new cloudwatch.Alarm(this, alarmId, {
          metric,
          threshold: 1,
          evaluationPeriods: 1,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          // No data is no traffic: nothing failed.
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
          alarmDescription: description,
        }),
      );
    };

    for (const [name, fn] of props.functions) {
      alarm(`${name}Errors`, fn.metricErrors({ period, statistic: 'Sum' }), `Sidetail: the ${name} function failed (an invocation threw or timed out)`);
      alarm(`${name}Throttles`, fn.metricThrottles({ period, statistic: 'Sum' }), `Sidetail: the ${name} function was throttled (account or function concurrency)`);
    }

    const stageMetric = (metricName: string) =>
      new cloudwatch.Metric({
        namespace: 'AWS/ApiGateway',
        metricName,
        dimensionsMap: { ApiId: props.webSocketStage.apiId, Stage: props.webSocketStage.stageName },
        period,
        statistic: 'Sum',
      });
    alarm('ApiIntegrationErrors', stageMetric('IntegrationError'), 'Sidetail: the WebSocket stage got errors from its Lambda integrations (5xx)');
    alarm('ApiExecutionErrors', stageMetric('ExecutionError'), 'Sidetail: the WebSocket stage failed to run requests (5xx)');

    const tableMetric = (metricName: string) =>
      props.table.metric(metricName, { period, statistic: 'Sum' });
    alarm('TableReadThrottles', tableMetric('ReadThrottleEvents'), 'Sidetail: DynamoDB throttled reads of the table (a hot partition, docs/data-model.md "Hot keys")');
    alarm('TableWriteThrottles', tableMetric('WriteThrottleEvents'), 'Sidetail: DynamoDB throttled writes to the table (a hot partition, docs/data-model.md "Hot keys")');
    this.alarms = alarms;

    if (props.email !== undefined) {
      this.topic = new sns.Topic(this, 'Topic', { displayName: 'Sidetail alarms', enforceSSL: true });
      this.topic.addSubscription(new subscriptions.EmailSubscription(props.email));
      const action = new actions.SnsAction(this.topic);
      for (const each of alarms) {
        each.addAlarmAction(action);
        each.addOkAction(action);
      }
    } else this.topic = undefined;
  }
}
