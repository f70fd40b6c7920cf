/**
 * The aws-chunked body encoding, as the SDK sends a PutObject of a stream: the body in chunks
 * (`<hex size>[;chunk-signature=…]\r\n<bytes>\r\n`), a zero-sized last chunk, then trailers
 * (`x-amz-checksum-crc32:<base64>\r\n`) and an empty line. The local object store decodes it as S3
 * does; chunk signatures, like every signature locally, are not checked.
 */

export class AwsChunkedError extends Error {
  override readonly name = 'AwsChunkedError';
}

export interface DecodedChunks {
  readonly body: Buffer;
  /** Lower-case trailer names. */
  readonly trailers: Readonly<Record<string, string>>;
}

const CRLF = Buffer.from('\r\n');

export function decodeAwsChunked(encoded: Buffer): DecodedChunks {
  const chunks: Buffer[] = [];
  let at = 0;
  const line = (): string => {
    const end = encoded.indexOf(CRLF, at);
    if (end < 0) throw new AwsChunkedError('an aws-chunked body ended inside a chunk header');
    const text = encoded.subarray(at, end).toString('latin1');
    at = end + CRLF.length;
    return text;
  };
  for (;;) {
    const header = line();
    const sizeText = header.split(';', 1)[0]!.trim();
    if (!/^[0-9a-fA-F]+$/.test(sizeText)) throw new AwsChunkedError(`an aws-chunked chunk header is not a hex size: ${JSON.stringify(header.slice(0, 40))}`);
    const size = Number.parseInt(sizeText, 16);
    if (size === 0) break;
    if (at + size + CRLF.length > encoded.length) throw new AwsChunkedError(`an aws-chunked chunk of ${size} bytes is cut short`);
    chunks.push(encoded.subarray(at, at + size));
    at += size;
    if (!encoded.subarray(at, at + CRLF.length).equals(CRLF)) throw new AwsChunkedError('an aws-chunked chunk does not end with CRLF');
    at += CRLF.length;
  }
  const trailers: Record<string, string> = {};
  while (at < encoded.length) {
    const trailer = line();
    if (trailer === '') break;
    const colon = trailer.indexOf(':');
    if (colon < 1) throw new AwsChunkedError(`an aws-chunked trailer is not "name:value": ${JSON.stringify(trailer.slice(0, 40))}`);
    trailers[trailer.slice(0, colon).trim().toLowerCase()] = trailer.slice(colon + 1).trim();
  }
  return { body: Buffer.concat(chunks), trailers };
}
