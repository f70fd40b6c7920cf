import { RemovalPolicy } from 'aws-cdk-lib';
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
    });
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
  ])('throws InvalidContextError naming %s when it is %j', (key, value) => {
    const read = () => readAppSettings(contextOf({ [key]: value }), {});

    expect(read).toThrow(InvalidContextError);
    expect(read).toThrow(`context "${key}"`);
  });
});
