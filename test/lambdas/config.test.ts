import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../lambdas/config';

const required = { TABLE_NAME: 'sidetail' };

describe('loadConfig', () => {
  it('applies the defaults and leaves the local endpoints unset', () => {
    expect(loadConfig(required)).toEqual({
      tableName: 'sidetail',
      bufferLines: 1000,
      bufferTtlSeconds: 86_400,
      batchBucket: undefined,
      dynamodbEndpoint: undefined,
      s3Endpoint: undefined,
      connectionsEndpoint: undefined,
      awsRegion: undefined,
    });
  });

  it('reads every optional setting', () => {
    const config = loadConfig({
      ...required,
      BUFFER_LINES: '50',
      BUFFER_TTL_SECONDS: '60',
      DYNAMODB_ENDPOINT: 'http://127.0.0.1:8000',
      CONNECTIONS_ENDPOINT: 'http://127.0.0.1:4510/local',
      BATCH_BUCKET: 'sidetail-batches',
      S3_ENDPOINT: 'http://127.0.0.1:4511',
      AWS_REGION: 'eu-west-1',
    });

    expect(config).toMatchObject({
      bufferLines: 50,
      bufferTtlSeconds: 60,
      dynamodbEndpoint: 'http://127.0.0.1:8000',
      connectionsEndpoint: 'http://127.0.0.1:4510/local',
      batchBucket: 'sidetail-batches',
      s3Endpoint: 'http://127.0.0.1:4511',
      awsRegion: 'eu-west-1',
    });
  });

  it.each([
    ['TABLE_NAME is missing', { ...required, TABLE_NAME: undefined }, /TABLE_NAME is required/],
    ['BUFFER_LINES is not a number', { ...required, BUFFER_LINES: 'lots' }, /BUFFER_LINES must be a positive integer/],
    ['BUFFER_LINES is zero', { ...required, BUFFER_LINES: '0' }, /BUFFER_LINES must be a positive integer/],
    ['BUFFER_TTL_SECONDS is fractional', { ...required, BUFFER_TTL_SECONDS: '1.5' }, /BUFFER_TTL_SECONDS must be a positive integer/],
    ['DYNAMODB_ENDPOINT is not a URL', { ...required, DYNAMODB_ENDPOINT: 'localhost' }, /DYNAMODB_ENDPOINT must be a URL/],
    ['S3_ENDPOINT is not a URL', { ...required, S3_ENDPOINT: '127.0.0.1 port 4511' }, /S3_ENDPOINT must be a URL/],
    [
      'batches would outlive the bucket’s objects holding their bytes',
      { ...required, BATCH_BUCKET: 'b', BUFFER_TTL_SECONDS: String(2 * 86_400) },
      /BUFFER_TTL_SECONDS must be under 172800 \(the batch bucket's objects expire after 2 days\)/,
    ],
  ])('fails fast when %s', (_name, env, problem) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(problem);
  });

  it('names every problem at once', () => {
    const attempt = () => loadConfig({ BUFFER_LINES: 'x' });

    expect(attempt).toThrow(/TABLE_NAME is required; BUFFER_LINES must be a positive integer/);
  });

  it('reads no token from the environment: secrets live hashed in the table, never in a function\'s environment', () => {
    expect(Object.keys(loadConfig({ ...required, AGENT_TOKEN: 'a', VIEWER_TOKEN: 'v' }))).not.toEqual(
      expect.arrayContaining([expect.stringMatching(/token/i)]),
    );
  });
});
