/**
 * The compressed bytes one buffer read takes at most (a history, a log.fetch): bytes in S3 no
 * longer end a DynamoDB page, and a container of long incompressible lines (one 300 KB batch
 * each) would otherwise pull hundreds of MB into one invocation. At least one batch is always
 * taken; what a read leaves out stays reachable by log.fetch.
 */
export const MAX_READ_BYTES = 8 * 1024 * 1024;
