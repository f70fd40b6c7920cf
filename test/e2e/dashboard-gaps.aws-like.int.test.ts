/**
 * The dashboard closing its gaps by itself with the local gateway in its AWS-like mode: every
 * invocation delayed by a random 0–40 ms (one connection's messages run concurrently and out of
 * order), a quarter of the `$disconnect`s never delivered, the Lambda timeout and route
 * throttling enforced. The seed is fixed so a run is repeatable; SIDETAIL_CHAOS_SEED=<n> tries another.
 */
import { AWS_LIKE_CHAOS } from '../../infra/local/gateway-chaos';
import { describeDashboardGaps } from './dashboard-gaps-spec';

const seed = Number(process.env.SIDETAIL_CHAOS_SEED ?? 7);

describeDashboardGaps({ name: 'AWS-like gateway', gateway: { chaos: { ...AWS_LIKE_CHAOS, seed } } });
