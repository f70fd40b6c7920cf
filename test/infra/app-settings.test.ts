import { RemovalPolicy } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import { describe, expect, it } from 'vitest';
import { InvalidContextError, readAppSettings } from '../../infra/bin/app-settings';

const contextOf = (values: Record<string, unknown>) => (key: string) => values[key];

describe('readAppSettings', () => {
  it('defaults to an environment-agnostic "Sidetail" stack with a 1000-line, 24-hour buffer', () => {
    const settings = readAppSettings(contextOf({}), {});

    expect(settings).toEqual({
      stackName: 'Sidetail',
      env: { account: undefined, region: undefined },
      stageName: 'live',
      bufferLines: 1000,
      bufferTtlSeconds: 86_400,
      removalPolicy: RemovalPolicy.RETAIN,
      logRetention: logs.RetentionDays.ONE_MONTH,
      alarmEmail: undefined,
      createApiGatewayLogRole: true,
    });
  });

  it('reads the log retention in days, the alarm address and the API Gateway log role choice, from the command line or cdk.json', () => {
    expect(readAppSettings(contextOf({ logRetentionDays: '7', alarmEmail: 'ops@example.com', createApiGatewayLogRole: 'false' }), {})).toMatchObject({
      logRetention: logs.RetentionDays.ONE_WEEK,
      alarmEmail: 'ops@example.com',
      createApiGatewayLogRole: false,
    });
    expect(readAppSettings(contextOf({ logRetentionDays: 365, createApiGatewayLogRole: true }), {})).toMatchObject({
      logRetention: logs.RetentionDays.ONE_YEAR,
      createApiGatewayLogRole: true,
    });
  });

  it('takes an empty alarmEmail (-c alarmEmail=) as none', () => {
    expect(readAppSettings(contextOf({ alarmEmail: '' }), {}).alarmEmail).toBeUndefined();
  });

  it('targets the account and region the CDK CLI resolved', () => {
    const settings = readAppSettings(contextOf({}), { CDK_DEFAULT_ACCOUNT: '123456789012', CDK_DEFAULT_REGION: 'eu-west-1' });

    expect(settings.env).toEqual({ account: '123456789012', region: 'eu-west-1' });
  });

  it('reads numbers given as strings on the command line (-c bufferLines=500) and as JSON numbers in cdk.json', () => {
    const settings = readAppSettings(contextOf({ bufferLines: '500', bufferTtlSeconds: 3600 }), {});

    expect(settings).toMatchObject({ bufferLines: 500, bufferTtlSeconds: 3600 });
  });

  it('reads the stack name, stage name and removal policy', () => {
    const settings = readAppSettings(contextOf({ stackName: 'Sidetail-dev', stageName: 'dev', removalPolicy: 'destroy' }), {});

    expect(settings).toMatchObject({ stackName: 'Sidetail-dev', stageName: 'dev', removalPolicy: RemovalPolicy.DESTROY });
  });

  it.each<[string, unknown]>([
    ['bufferLines', '0'],
    ['bufferLines', '-5'],
    ['bufferLines', '1e3'],
    ['bufferLines', 2.5],
    ['bufferTtlSeconds', 'a day'],
    ['bufferTtlSeconds', true],
    ['removalPolicy', 'snapshot'],
    ['stackName', '1-starts-with-a-digit'],
    ['stackName', 'has_underscore'],
    ['stageName', 'has/slash'],
    ['stageName', ''],
    ['logRetentionDays', '10'],
    ['logRetentionDays', '9999'],
    ['logRetentionDays', 'a month'],
    ['alarmEmail', 'ops.example.com'],
    ['alarmEmail', 'ops@example'],
    ['createApiGatewayLogRole', 'yes'],
    ['createApiGatewayLogRole', 1],
  ])('throws InvalidContextError naming %s when it is %j', (key, value) => {
    const read = () => readAppSettings(contextOf({ [key]: value }), {});

    expect(read).toThrow(InvalidContextError);
    expect(read).toThrow(`context "${key}"`);
  });
});
