/**
 * The integrity checks S3 makes of an upload, for the local object store: the SDK sends a
 * checksum of every PutObject body (`x-amz-checksum-crc32` by default, in a header or an
 * aws-chunked trailer; `Content-MD5` when asked), and S3 refuses a body that does not match it.
 * Checked here too, so a local upload that would fail on AWS fails locally.
 *
 * CRC32 (the SDK's default), SHA-1 and SHA-256 are checked; CRC32C and CRC64NVME, which the SDK
 * sends only when told to, are refused as not implemented rather than stored unchecked.
 */
import { createHash } from 'node:crypto';

export type ChecksumAlgorithm = 'crc32' | 'sha1' | 'sha256';

/** The checksum headers (and trailers) S3 knows, by algorithm; which of them the local store checks. */
const KNOWN = ['crc32', 'crc32c', 'crc64nvme', 'sha1', 'sha256'] as const;
const CHECKED = new Set<string>(['crc32', 'sha1', 'sha256']);

export class ChecksumMismatchError extends Error {
  override readonly name = 'ChecksumMismatchError';
  constructor(readonly header: string) {
    super(`The ${header} you specified did not match the calculated checksum.`);
  }
}

export class UncheckedChecksumError extends Error {
  override readonly name = 'UncheckedChecksumError';
  constructor(readonly header: string) {
    super(`the local object store does not check ${header}; use CRC32 (the SDK's default), SHA1 or SHA256`);
  }
}

/** CRC-32 (IEEE 802.3, as zlib and S3 compute it), for Node 20, which has no zlib.crc32. */
const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) crc = CRC_TABLE[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** A checksum as S3 writes it in a header: the big-endian digest, base64. */
export function checksumOf(algorithm: ChecksumAlgorithm, bytes: Uint8Array): string {
  if (algorithm === 'crc32') {
    const out = Buffer.alloc(4);
    out.writeUInt32BE(crc32(bytes));
    return out.toString('base64');
  }
  return createHash(algorithm).update(bytes).digest('base64');
}

/**
 * Checks every checksum given (headers and trailers, lower-case names) against the body and returns
 * the ones to keep with the object (S3 returns them on a GetObject with checksum mode). Throws
 * ChecksumMismatchError (S3: 400 BadDigest) or UncheckedChecksumError.
 */
export function verifyChecksums(fields: Readonly<Record<string, string | undefined>>, body: Uint8Array): Partial<Record<ChecksumAlgorithm, string>> {
  const kept: Partial<Record<ChecksumAlgorithm, string>> = {};
  for (const algorithm of KNOWN) {
    const header = `x-amz-checksum-${algorithm}`;
    const given = fields[header];
    if (given === undefined) continue;
    if (!CHECKED.has(algorithm)) throw new UncheckedChecksumError(header);
    if (checksumOf(algorithm as ChecksumAlgorithm, body) !== given.trim()) throw new ChecksumMismatchError(header);
    kept[algorithm as ChecksumAlgorithm] = given.trim();
  }
  const md5 = fields['content-md5'];
  if (md5 !== undefined && createHash('md5').update(body).digest('base64') !== md5.trim()) throw new ChecksumMismatchError('Content-MD5');
  return kept;
}

/** S3's ETag of a single-part upload: the body's MD5, hex, quoted. */
export function etagOf(body: Uint8Array): string {
  return `"${createHash('md5').update(body).digest('hex')}"`;
}
