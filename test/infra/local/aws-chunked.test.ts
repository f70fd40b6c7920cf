import { describe, expect, it } from 'vitest';
import { AwsChunkedError, decodeAwsChunked } from '../../../infra/local/aws-chunked';

const encoded = (text: string) => Buffer.from(text, 'latin1');

describe('decodeAwsChunked', () => {
  it('joins the chunks and reads the trailers, names lower-cased', () => {
    const decoded = decodeAwsChunked(encoded('5\r\nhello\r\n6\r\n world\r\n0\r\nX-Amz-Checksum-Crc32:abc=\r\n\r\n'));

    expect(decoded.body.toString()).toBe('hello world');
    expect(decoded.trailers).toEqual({ 'x-amz-checksum-crc32': 'abc=' });
  });

  it('ignores chunk signatures (signed streaming uploads), as it ignores every signature', () => {
    const decoded = decodeAwsChunked(encoded(`3;chunk-signature=${'f'.repeat(64)}\r\nabc\r\n0;chunk-signature=${'0'.repeat(64)}\r\n\r\n`));

    expect(decoded.body.toString()).toBe('abc');
    expect(decoded.trailers).toEqual({});
  });

  it.each([
    ['a size that is not hex', 'zz\r\nabc\r\n0\r\n\r\n', /not a hex size/],
    ['a chunk shorter than its size', 'a\r\nabc\r\n0\r\n\r\n', /cut short/],
    ['a chunk not ended by CRLF', '3\r\nabcd\r\n0\r\n\r\n', /does not end with CRLF/],
    ['no last chunk', '3\r\nabc\r\n', /ended inside a chunk header/],
    ['a trailer without a colon', '0\r\nnot-a-trailer\r\n\r\n', /not "name:value"/],
  ])('refuses %s with a named error', (_name, text, problem) => {
    expect(() => decodeAwsChunked(encoded(text))).toThrow(AwsChunkedError);
    expect(() => decodeAwsChunked(encoded(text))).toThrow(problem);
  });
});
