/**
 * Limits of the deployed Lambdas that the local stand-in must enforce too, in one place: the CDK
 * house function reads them for its configuration and the local gateway for its emulation, so a
 * handler that is too slow on AWS is too slow locally.
 */

/**
 * Every route's function timeout. Well under API Gateway's 29 s integration timeout, so that a
 * stuck invocation ends as a Lambda error (the client sees "Internal server error") and frees its
 * concurrency long before API Gateway gives up.
 */
export const LAMBDA_TIMEOUT_SECONDS = 10;
export const LAMBDA_TIMEOUT_MS = LAMBDA_TIMEOUT_SECONDS * 1000;
