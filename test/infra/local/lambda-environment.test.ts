import { describe, expect, it } from 'vitest';
import { applyLambdaEnvironment } from '../../../infra/local/lambda-environment';

const env = {
  TABLE_NAME: 't',
  DYNAMODB_ENDPOINT: 'http://127.0.0.1:1',
  CONNECTIONS_ENDPOINT: 'http://127.0.0.1:2/local',
};

describe('the Lambda handlers\' environment', () => {
  it('sets the configuration and dummy AWS region and credentials when none are set', () => {
    const target: NodeJS.ProcessEnv = {};

    applyLambdaEnvironment({ ...env, AWS_REGION: 'local' }, target);

    expect(target).toEqual({ ...env, AWS_REGION: 'local', AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' });
  });

  it('keeps a region and credentials that are already set', () => {
    const target: NodeJS.ProcessEnv = { AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'mine', AWS_SECRET_ACCESS_KEY: 'secret' };

    applyLambdaEnvironment(env, target);

    expect(target).toMatchObject({ AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'mine', AWS_SECRET_ACCESS_KEY: 'secret' });
  });

  it('passes BUFFER_LINES through as given', () => {
    const target: NodeJS.ProcessEnv = {};

    applyLambdaEnvironment({ ...env, BUFFER_LINES: '50' }, target);

    expect(target.BUFFER_LINES).toBe('50');
  });
});
