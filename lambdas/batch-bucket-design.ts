/**
 * The S3 bucket of large batches' bytes (docs/data-model.md, "Stored batches"), shared by the CDK
 * construct (infra/constructs/batch-bucket.ts) and the local object store so that both expire
 * objects alike.
 */
export const BATCH_BUCKET_DESIGN = {
  /**
   * A lifecycle rule deletes objects this many days after they were written. The buffer's items
   * live 24 h (BUFFER_TTL_SECONDS) and every item is written after its object, so its bytes outlive
   * it; S3's lifecycle counts whole days and runs once a day, so one day would leave no margin.
   */
  expireAfterDays: 2,
  /** Every batch object's key starts so (grants are scoped to it); then agent, container, batch. */
  objectPrefix: 'batches/',
} as const;
