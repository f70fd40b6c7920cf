import { describe, expect, it } from 'vitest';
import { AWS_PRICES, priceReading } from '../../bench/aws-prices';
import { LocalMeter } from '../../infra/local/metering/local-meter';

describe('priceReading', () => {
  it('prices DynamoDB units, API Gateway 32 KB message units and connection minutes, and Lambda requests and GB-seconds', () => {
    let now = 0;
    const meter = new LocalMeter({ now: () => now });
    meter.consumed('PutItem', 'write', 1_000_000);
    meter.consumed('Query', 'read', 2_000_000);
    for (let i = 0; i < 1_000; i++) meter.message('in', 'agent', 40 * 1024); // 2 units each
    meter.connectionOpened('a', 'agent', 0);
    now = 60_000 * 1_000; // a thousand minutes
    for (let i = 0; i < 1_000; i++) meter.invoked('log.batch', 100); // 100 s in all

    const usd = priceReading(meter.read(), 1024);

    expect(usd.dynamodb).toBeCloseTo(0.625 + 2 * 0.125, 10);
    expect(usd.apigw).toBeCloseTo(2_000 * 1e-6 + 1_000 * 0.25e-6, 12);
    expect(usd.lambda).toBeCloseTo(1_000 * 0.2e-6 + 100 * AWS_PRICES.lambdaPerGbSecond, 12);
    expect(usd.total).toBeCloseTo(usd.dynamodb + usd.apigw + usd.lambda, 12);
  });

  it('prices S3 requests per request whatever their size: PUTs at $0.005 per 1000, GETs and HEADs at $0.0004, DELETEs free', () => {
    const meter = new LocalMeter();
    for (let i = 0; i < 2_000; i++) meter.objectRequest('PutObject');
    for (let i = 0; i < 10_000; i++) meter.objectRequest('GetObject');
    for (let i = 0; i < 1_000; i++) meter.objectRequest('HeadObject');
    for (let i = 0; i < 5_000; i++) meter.objectRequest('DeleteObject');

    const usd = priceReading(meter.read());

    expect(usd.s3).toBeCloseTo(2 * 0.005 + 11 * 0.0004, 12);
    expect(usd.total).toBeCloseTo(usd.s3 + usd.lambda, 12);
  });

  it('prices Lambda time at the functions’ memory, 256 MB by default', () => {
    const meter = new LocalMeter();
    meter.invoked('ping', 1_000);

    expect(priceReading(meter.read()).lambda).toBeCloseTo(0.2e-6 + 0.25 * AWS_PRICES.lambdaPerGbSecond, 14);
  });
});
