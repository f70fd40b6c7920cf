import { Stack, type CfnElement } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidPropsError } from '../../../infra/constructs/invalid-props-error';
import { OperationsAlarms, type OperationsAlarmsProps } from '../../../infra/constructs/operations-alarms';
import { disposeTestApps, unbundledStack } from '../fixtures/test-app';

function inlineFunction(scope: Stack, id: string): lambda.Function {
  return new lambda.Function(scope, id, {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({ statusCode: 200 });'),
  });
}

function alarmsIn(scope: Stack, props: Partial<OperationsAlarmsProps> = {}) {
  const table = new dynamodb.Table(scope, 'Table', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING } });
  const functions = new Map([
    ['LogBatch', inlineFunction(scope, 'LogBatchFn')],
    ['Connect', inlineFunction(scope, 'ConnectFn')],
  ]);
  const alarms = new OperationsAlarms(scope, 'Alarms', { functions, table, webSocketStage: { apiId: 'api123', stageName: 'live' }, ...props });
  return { alarms, table, functions, template: Template.fromStack(scope) };
}

describe('OperationsAlarms', () => {
  let scope: Stack;
  let built: ReturnType<typeof alarmsIn>;

  beforeAll(() => {
    scope = unbundledStack();
    built = alarmsIn(scope);
  });

  afterAll(disposeTestApps);

  const id = (construct: { node: { defaultChild?: unknown } }) => scope.getLogicalId(construct.node.defaultChild as CfnElement);
  const onFirst = { Threshold: 1, EvaluationPeriods: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', TreatMissingData: 'notBreaching', Period: 300, Statistic: 'Sum' };

  it.each([['LogBatch'], ['Connect']])('alarms on the first error and the first throttle of the %s function in five minutes', (name) => {
    const dimensions = [{ Name: 'FunctionName', Value: { Ref: id(built.functions.get(name)!) } }];
    for (const metricName of ['Errors', 'Throttles']) {
      built.template.hasResourceProperties('AWS::CloudWatch::Alarm', { ...onFirst, Namespace: 'AWS/Lambda', MetricName: metricName, Dimensions: dimensions });
    }
  });

  it.each([['IntegrationError'], ['ExecutionError']])('alarms on the WebSocket stage’s %s (its 5xx), by ApiId and Stage', (metricName) => {
    built.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      ...onFirst,
      Namespace: 'AWS/ApiGateway',
      MetricName: metricName,
      Dimensions: Match.arrayEquals([
        { Name: 'ApiId', Value: 'api123' },
        { Name: 'Stage', Value: 'live' },
      ]),
    });
  });

  it.each([['ReadThrottleEvents'], ['WriteThrottleEvents']])('alarms on the table’s %s', (metricName) => {
    built.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      ...onFirst,
      Namespace: 'AWS/DynamoDB',
      MetricName: metricName,
      Dimensions: [{ Name: 'TableName', Value: { Ref: id(built.table) } }],
    });
  });

  it('does not alarm on client errors (refused tokens, throttled messages are clients’ doing)', () => {
    expect(built.template.findResources('AWS::CloudWatch::Alarm', { Properties: { MetricName: 'ClientError' } })).toEqual({});
  });

  it('has no topic and no alarm actions without an e-mail address', () => {
    built.template.resourceCountIs('AWS::SNS::Topic', 0);
    built.template.allResourcesProperties('AWS::CloudWatch::Alarm', { AlarmActions: Match.absent(), OKActions: Match.absent() });
    expect(built.alarms.topic).toBeUndefined();
  });

  it('with an e-mail address, mails every alarm and its recovery through a topic that refuses publishing without TLS', () => {
    const mailing = unbundledStack();
    const { alarms, template } = alarmsIn(mailing, { email: 'ops@example.com' });
    const topic = { Ref: mailing.getLogicalId(alarms.topic!.node.defaultChild as CfnElement) };

    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com', TopicArn: topic });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
    template.allResourcesProperties('AWS::CloudWatch::Alarm', { AlarmActions: [topic], OKActions: [topic] });
    expect(alarms.alarms).toHaveLength(2 * 2 + 2 + 2);
  });

  describe('rejects contradictory props', () => {
    it.each([['not-an-address'], ['ops@localhost'], ['']])('throws InvalidPropsError for the e-mail address %j', (email) => {
      expect(() => alarmsIn(unbundledStack(), { email })).toThrow(InvalidPropsError);
    });

    it('throws InvalidPropsError for no functions to watch', () => {
      expect(() => alarmsIn(unbundledStack(), { functions: new Map() })).toThrow(InvalidPropsError);
    });
  });
});
