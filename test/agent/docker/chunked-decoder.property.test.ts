/**
 * The chunked-coding decoder against any body an HTTP/1.1 server may send — chunks of any size,
 * upper- and lower-case hex, extensions, trailers — cut at any points by socket reads.
 * Seeded: SIDETAIL_PROPERTY_SEED=<the printed seed> replays a run.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ChunkedCodingError, ChunkedDecoder } from '../../../agent/docker/chunked-decoder';
import { cutAt } from '../support/docker-bytes';

const SEED = Number(process.env.SIDETAIL_PROPERTY_SEED ?? Math.floor(Math.random() * 2 ** 31));
const RUNS = Number(process.env.SIDETAIL_PROPERTY_RUNS ?? 200);
console.info(`chunked decoder properties: seed ${SEED}, ${RUNS} runs; replay with SIDETAIL_PROPERTY_SEED=${SEED}`);

const chunk = fc.record({
  data: fc.oneof({ weight: 8, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 80 }) }, { weight: 1, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 70_000 }) }),
  upper: fc.boolean(),
  extension: fc.constantFrom('', ';name=value', ' ;x'),
});
const body = fc.record({ chunks: fc.array(chunk, { maxLength: 30 }), trailers: fc.array(fc.constantFrom('X-A: 1', 'Expires: never'), { maxLength: 2 }), after: fc.uint8Array({ maxLength: 10 }) });

interface Body {
  readonly chunks: readonly { data: Uint8Array; upper: boolean; extension: string }[];
  readonly trailers: readonly string[];
  readonly after: Uint8Array;
}

/** The body as a server writes it: each chunk's size in hex (either case), an extension, the data, CRLFs; the last chunk, trailers; then bytes that are not the body's. */
function encode({ chunks, trailers, after }: Body): Buffer {
  const parts = chunks.map((c) => {
    const size = c.data.length.toString(16);
    return Buffer.concat([Buffer.from(`${c.upper ? size.toUpperCase() : size}${c.extension}\r\n`), Buffer.from(c.data), Buffer.from('\r\n')]);
  });
  return Buffer.concat([...parts, Buffer.from(`0\r\n${trailers.map((t) => `${t}\r\n`).join('')}\r\n`), Buffer.from(after)]);
}

describe('decoding HTTP chunked transfer coding (seeded properties)', () => {
  it('gives the data of every chunk, in order, and sees the end, however the body is cut', () => {
    fc.assert(
      fc.property(
        body.chain((b) => fc.record({ b: fc.constant(b), cuts: fc.array(fc.nat(), { maxLength: 40 }) })),
        ({ b, cuts }) => {
          const bytes = encode(b);
          const decoder = new ChunkedDecoder();
          const out = cutAt(bytes, ...cuts.map((c) => c % (bytes.length + 1)).sort((x, y) => x - y)).map((piece) => decoder.push(piece));
          expect(Buffer.concat(out).equals(Buffer.concat(b.chunks.map((c) => Buffer.from(c.data))))).toBe(true);
          expect(decoder.done).toBe(true);
        },
      ),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('is not done while the last chunk has not come', () => {
    const decoder = new ChunkedDecoder();

    expect(decoder.push(Buffer.from('5\r\nhello\r\n3\r\nab'))).toEqual(Buffer.from('helloab'));
    expect(decoder.done).toBe(false);
  });

  it.each([
    ['a size that is not hex', 'zz\r\n'],
    ['data not followed by CRLF', '2\r\nabX'],
    ['a size above 8 hex digits', '123456789\r\n'],
  ])('refuses %s with a named error', (_case, text) => {
    expect(() => new ChunkedDecoder().push(Buffer.from(text))).toThrow(ChunkedCodingError);
  });
});
