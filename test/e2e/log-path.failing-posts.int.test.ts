/**
 * The end-to-end path in the AWS-like mode with @connections under pressure, as on AWS at scale:
 * 10 % of PostToConnection calls answer 429 LimitExceededException and 5 % answer 500 (the SDK
 * retries each up to 3 times). Nothing may be lost in silence: every line still reaches every
 * viewer exactly once. SIDETAIL_CHAOS_SEED=<n> tries another seed.
 */
import { AWS_LIKE_CHAOS } from '../../infra/local/gateway-chaos';
import { describeLogPath } from './log-path-spec';

const seed = Number(process.env.SIDETAIL_CHAOS_SEED ?? 1);

describeLogPath({
  name: 'AWS-like gateway, failing posts',
  gateway: { chaos: { ...AWS_LIKE_CHAOS, postFaults: { throttledRate: 0.1, errorRate: 0.05 }, seed } },
});
