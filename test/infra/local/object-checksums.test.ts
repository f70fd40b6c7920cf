import { describe, expect, it } from 'vitest';
import { checksumOf, ChecksumMismatchError, crc32, UncheckedChecksumError, verifyChecksums } from '../../../infra/local/object-checksums';

const body = Buffer.from('some bytes');

describe('object checksums', () => {
  it('computes CRC-32 as zlib and S3 do', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
    expect(checksumOf('crc32', Buffer.from(''))).toBe('AAAAAA==');
  });

  it('keeps the checksums that match, to return them with the object', () => {
    expect(verifyChecksums({ 'x-amz-checksum-crc32': checksumOf('crc32', body), 'x-amz-checksum-sha256': checksumOf('sha256', body) }, body)).toEqual({
      crc32: checksumOf('crc32', body),
      sha256: checksumOf('sha256', body),
    });
  });

  it('refuses a checksum or a Content-MD5 that does not match the bytes', () => {
    expect(() => verifyChecksums({ 'x-amz-checksum-crc32': checksumOf('crc32', Buffer.from('other')) }, body)).toThrow(ChecksumMismatchError);
    expect(() => verifyChecksums({ 'content-md5': 'AAAAAAAAAAAAAAAAAAAAAA==' }, body)).toThrow(ChecksumMismatchError);
  });

  it('refuses a checksum it cannot check rather than storing it unchecked', () => {
    expect(() => verifyChecksums({ 'x-amz-checksum-crc32c': 'AAAAAA==' }, body)).toThrow(UncheckedChecksumError);
  });
});
