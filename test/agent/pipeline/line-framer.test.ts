import { describe, expect, it } from 'vitest';
import { FrameDemuxer, type StreamMode } from '../../../agent/docker/frame-demuxer';
import { LineFramer, type FramedLine } from '../../../agent/pipeline/line-framer';
import { MAX_LINE_BYTES } from '../../../protocol';
import { cutAt, entry, muxFrame, ts } from '../support/docker-bytes';

/** Docker bytes → demuxer → framer, as the follower wires them. */
function frame(chunks: Buffer[], mode: StreamMode, options: { maxLineBytes?: number; end?: boolean } = {}): FramedLine[] {
  const lines: FramedLine[] = [];
  const framer = new LineFramer({ mode, onLine: (line) => lines.push(line), ...(options.maxLineBytes ? { maxLineBytes: options.maxLineBytes } : {}) });
  const demuxer = new FrameDemuxer(mode, { piece: (p) => framer.push(p.stream, p.payload, p.frameEnd) });
  for (const chunk of chunks) demuxer.push(chunk);
  if (options.end ?? true) {
    demuxer.end();
    framer.end();
  }
  return lines;
}

/** The same entries as Docker sends them for a non-TTY (frames) and a TTY (raw) container. */
function asDocker(mode: StreamMode, entries: Buffer[]): Buffer {
  return mode === 'multiplexed' ? Buffer.concat(entries.map((e) => muxFrame('stdout', e))) : Buffer.concat(entries);
}

describe('LineFramer', () => {
  it.each<StreamMode>(['multiplexed', 'raw'])('reads the timestamp prefix of each entry (%s)', (mode) => {
    const bytes = asDocker(mode, [entry(ts(1), 'first\n'), entry(ts(2), 'second\n')]);

    expect(frame([bytes], mode)).toEqual([
      { ts: ts(1), stream: 'stdout', text: 'first' },
      { ts: ts(2), stream: 'stdout', text: 'second' },
    ]);
  });

  it('keeps stdout and stderr apart', () => {
    const bytes = Buffer.concat([muxFrame('stderr', entry(ts(1), 'bad\n')), muxFrame('stdout', entry(ts(2), 'good\n'))]);

    expect(frame([bytes], 'multiplexed')).toEqual([
      { ts: ts(1), stream: 'stderr', text: 'bad' },
      { ts: ts(2), stream: 'stdout', text: 'good' },
    ]);
  });

  it.each<StreamMode>(['multiplexed', 'raw'])('gives the same lines whatever byte the stream is cut at (%s)', (mode) => {
    const bytes = asDocker(mode, [entry(ts(1), 'héllo €\n'), entry(ts(2), '\n'), entry(ts(3), 'x 𝄞 y\n')]);
    const expected = JSON.stringify(frame([bytes], mode));

    const mismatches: number[] = [];
    for (let offset = 0; offset <= bytes.length; offset++) {
      if (JSON.stringify(frame(cutAt(bytes, offset), mode)) !== expected) mismatches.push(offset);
    }

    expect(mismatches).toEqual([]);
    expect(JSON.parse(expected)).toEqual([
      { ts: ts(1), stream: 'stdout', text: 'héllo €' },
      { ts: ts(2), stream: 'stdout', text: '' },
      { ts: ts(3), stream: 'stdout', text: 'x 𝄞 y' },
    ]);
  });

  it('joins partial entries into one line with the first piece\'s timestamp, dropping the later prefixes', () => {
    const bytes = Buffer.concat([
      muxFrame('stdout', entry(ts(1), 'aaa')),
      muxFrame('stdout', entry(ts(2), 'bbb')),
      muxFrame('stdout', entry(ts(3), 'ccc\n')),
      muxFrame('stdout', entry(ts(4), 'next\n')),
    ]);

    expect(frame([bytes], 'multiplexed')).toEqual([
      { ts: ts(1), stream: 'stdout', text: 'aaabbbccc' },
      { ts: ts(4), stream: 'stdout', text: 'next' },
    ]);
  });

  it('joins Docker\'s 16 KB pieces of a long line, whose pieces repeat the timestamp prefix', () => {
    const first = 'a'.repeat(16 * 1024);
    const bytes = Buffer.concat([
      muxFrame('stdout', entry(ts(1), first)),
      muxFrame('stdout', entry(ts(2), 'end of the long line\n')),
    ]);

    const [line] = frame([bytes], 'multiplexed', { maxLineBytes: 64 * 1024 });

    expect(line).toEqual({ ts: ts(1), stream: 'stdout', text: `${first}end of the long line` });
  });

  it('does not let stderr lines between the pieces of a stdout line break it', () => {
    const bytes = Buffer.concat([
      muxFrame('stdout', entry(ts(1), 'out-1 ')),
      muxFrame('stderr', entry(ts(2), 'err\n')),
      muxFrame('stdout', entry(ts(3), 'out-2\n')),
    ]);

    expect(frame([bytes], 'multiplexed')).toEqual([
      { ts: ts(2), stream: 'stderr', text: 'err' },
      { ts: ts(1), stream: 'stdout', text: 'out-1 out-2' },
    ]);
  });

  it('decodes a character split across two partial pieces', () => {
    const euro = Buffer.from('€');
    const bytes = Buffer.concat([
      muxFrame('stdout', entry(ts(1), Buffer.concat([Buffer.from('price '), euro.subarray(0, 2)]))),
      muxFrame('stdout', entry(ts(2), Buffer.concat([euro.subarray(2), Buffer.from('5\n')]))),
    ]);

    expect(frame([bytes], 'multiplexed')).toEqual([{ ts: ts(1), stream: 'stdout', text: 'price €5' }]);
  });

  it.each<StreamMode>(['multiplexed', 'raw'])('strips the \\r of a TTY\'s \\r\\n but keeps other carriage returns (%s)', (mode) => {
    const bytes = asDocker(mode, [entry(ts(1), 'progress 10%\rprogress 20%\r\n')]);

    expect(frame([bytes], mode)).toEqual([{ ts: ts(1), stream: 'stdout', text: 'progress 10%\rprogress 20%' }]);
  });

  it.each<StreamMode>(['multiplexed', 'raw'])('cuts text above MAX_LINE_BYTES and flags it truncated, with the whole line\'s size (%s)', (mode) => {
    const bytes = asDocker(mode, [entry(ts(1), `${'x'.repeat(MAX_LINE_BYTES + 100)}\n`), entry(ts(2), 'after\n')]);

    const lines = frame([bytes], mode);

    expect(lines[0]).toEqual({ ts: ts(1), stream: 'stdout', text: 'x'.repeat(MAX_LINE_BYTES), truncated: true, originalBytes: MAX_LINE_BYTES + 100 });
    expect(lines[1]).toEqual({ ts: ts(2), stream: 'stdout', text: 'after' });
  });

  it('joins a line Docker cut into 16 KB pieces, each with its own timestamp, whole up to MAX_LINE_BYTES', () => {
    const pieces = Array.from({ length: MAX_LINE_BYTES / (16 * 1024) }, (_, i) => String.fromCharCode(0x61 + i).repeat(16 * 1024));
    const bytes = Buffer.concat([...pieces.map((piece, i) => muxFrame('stdout', entry(ts(1 + i), i === pieces.length - 1 ? `${piece}\n` : piece))), muxFrame('stdout', entry(ts(99), 'next\n'))]);

    expect(frame(cutAt(bytes, 5000, 40_000), 'multiplexed')).toEqual([
      { ts: ts(1), stream: 'stdout', text: pieces.join('') },
      { ts: ts(99), stream: 'stdout', text: 'next' },
    ]);
  });

  it.each<StreamMode>(['multiplexed', 'raw'])('keeps MAX_LINE_BYTES of a 1 MB line Docker cut into 16 KB pieces, with its original size (%s)', (mode) => {
    const text = 'abcdefghij'.repeat(1024 * 1024 / 10 + 1).slice(0, 1024 * 1024);
    const written = Buffer.from(`${text}\n`);
    const pieces: Buffer[] = [];
    for (let at = 0, i = 0; at < written.length; at += 16 * 1024, i++) pieces.push(entry(ts(1 + i), written.subarray(at, at + 16 * 1024)));
    const bytes = mode === 'multiplexed' ? Buffer.concat(pieces.map((piece) => muxFrame('stdout', piece))) : Buffer.concat(pieces);

    expect(frame([bytes], mode)).toEqual([{ ts: ts(1), stream: 'stdout', text: text.slice(0, MAX_LINE_BYTES), truncated: true, originalBytes: 1024 * 1024 }]);
  });

  it('cuts at a lower cap when asked, with the whole line\'s size', () => {
    const bytes = muxFrame('stdout', entry(ts(1), `${'z'.repeat(5000)}\n`));

    expect(frame([bytes], 'multiplexed', { maxLineBytes: 1024 })).toEqual([{ ts: ts(1), stream: 'stdout', text: 'z'.repeat(1024), truncated: true, originalBytes: 5000 }]);
  });

  it('cuts on a character boundary, never inside a multibyte character', () => {
    const text = `${'a'.repeat(MAX_LINE_BYTES - 1)}€tail`;

    const [line] = frame([muxFrame('stdout', entry(ts(1), `${text}\n`))], 'multiplexed');

    expect(line!.text).toBe('a'.repeat(MAX_LINE_BYTES - 1));
    expect(line).toMatchObject({ truncated: true, originalBytes: Buffer.byteLength(text) });
  });

  it('does not flag a line of exactly MAX_LINE_BYTES, even with a \\r\\n ending', () => {
    const text = 'y'.repeat(MAX_LINE_BYTES);

    const [line] = frame([Buffer.from(`${ts(1)} ${text}\r\n`)], 'raw');

    expect(line).toEqual({ ts: ts(1), stream: 'stdout', text });
  });

  // A TTY writes "\r\n". Docker's copier cuts what it reads at its 16 KB buffer, so a 16,383-char
  // line leaves "\n" (and a 16,384-char line "\r\n") for a second piece with its own prefix.
  it.each([16_383, 16_384])('joins a TTY line of %i characters that Docker cut after 16 KB, not truncated and without its \\r', (chars) => {
    const text = 'x'.repeat(chars);
    const written = Buffer.from(`${text}\r\n`);
    const bytes = Buffer.concat([entry(ts(1), written.subarray(0, 16 * 1024)), entry(ts(1), written.subarray(16 * 1024)), entry(ts(2), 'next\r\n')]);

    for (const cut of [[], [10], [16 * 1024 + 31], [16 * 1024 + 32], [16 * 1024 + 40, 16 * 1024 + 45]]) {
      expect(frame(cutAt(bytes, ...cut), 'raw')).toEqual([
        { ts: ts(1), stream: 'stdout', text },
        { ts: ts(2), stream: 'stdout', text: 'next' },
      ]);
    }
  });

  it('drops the continuation prefixes of a long TTY line, after every 16 KB piece', () => {
    const text = 'z'.repeat(40_000);
    const pieces = [text.slice(0, 16_384), text.slice(16_384, 32_768), `${text.slice(32_768)}\r\n`];
    const bytes = Buffer.concat(pieces.map((piece, i) => entry(ts(1 + i), piece)));

    expect(frame([bytes], 'raw', { maxLineBytes: 64 * 1024 })).toEqual([{ ts: ts(1), stream: 'stdout', text }]);
  });

  it.each<StreamMode>(['multiplexed', 'raw'])('does not deliver a line cut off while its 16 KB pieces were being joined (%s)', (mode) => {
    // Docker holds the rest and sends the whole line again when the follow resumes; delivering
    // the pieces so far would make them a fragment beside the whole line.
    const bytes = asDocker(mode, [entry(ts(1), 'done\n'), entry(ts(2), 'a'.repeat(16 * 1024)), entry(ts(2), 'b'.repeat(16 * 1024))]);

    expect(frame([bytes], mode)).toEqual([{ ts: ts(1), stream: 'stdout', text: 'done' }]);
    // A shorter last piece is what Docker writes when the container exits mid-line: that is delivered.
    expect(frame([bytes.subarray(0, bytes.length - 3)], mode).map((line) => line.text.length)).toEqual([4, 2 * 16 * 1024 - 3]);
  });

  it.each<StreamMode>(['multiplexed', 'raw'])('flushes a final unterminated line when the stream ends (%s)', (mode) => {
    const bytes = asDocker(mode, [entry(ts(1), 'done\n'), entry(ts(2), 'Press any key')]);

    expect(frame([bytes], mode, { end: false })).toEqual([{ ts: ts(1), stream: 'stdout', text: 'done' }]);
    expect(frame([bytes], mode)).toEqual([
      { ts: ts(1), stream: 'stdout', text: 'done' },
      { ts: ts(2), stream: 'stdout', text: 'Press any key' },
    ]);
  });

  it('takes an entry without a timestamp as text, stamped like the entry before it', () => {
    const bytes = Buffer.concat([muxFrame('stdout', entry(ts(1), 'ok\n')), muxFrame('stdout', 'no timestamp here\n')]);

    expect(frame([bytes], 'multiplexed')).toEqual([
      { ts: ts(1), stream: 'stdout', text: 'ok' },
      { ts: ts(1), stream: 'stdout', text: 'no timestamp here' },
    ]);
  });

  it.each<StreamMode>(['multiplexed', 'raw'])(
    'takes words that only look like a timestamp prefix as text, whatever byte the stream is cut at (%s)',
    (mode) => {
      const forty = 'x'.repeat(40);
      const bytes = asDocker(mode, [
        entry(ts(1), 'ok\n'),
        Buffer.from('2024-01-02T03:04:05.000000001z lower-case zone\n'),
        Buffer.from(`${forty} a word of forty bytes\n`),
        Buffer.from(`${forty}y a word of forty-one bytes\n`),
        Buffer.from('short\n'),
        Buffer.from('Ünïcödé prefix\n'),
      ]);
      const expected = JSON.stringify(frame([bytes], mode));

      const mismatches: number[] = [];
      for (let offset = 0; offset <= bytes.length; offset++) {
        if (JSON.stringify(frame(cutAt(bytes, offset), mode)) !== expected) mismatches.push(offset);
      }

      expect(mismatches).toEqual([]);
      expect(JSON.parse(expected)).toEqual([
        { ts: ts(1), stream: 'stdout', text: 'ok' },
        { ts: ts(1), stream: 'stdout', text: '2024-01-02T03:04:05.000000001z lower-case zone' },
        { ts: ts(1), stream: 'stdout', text: `${forty} a word of forty bytes` },
        { ts: ts(1), stream: 'stdout', text: `${forty}y a word of forty-one bytes` },
        { ts: ts(1), stream: 'stdout', text: 'short' },
        { ts: ts(1), stream: 'stdout', text: 'Ünïcödé prefix' },
      ]);
    },
  );

  it.each([
    ['another offset', '2024-01-02T04:04:05.5+01:00'],
    ['no fraction', '2024-01-02T03:04:05Z'],
  ])('reads a timestamp prefix with %s as it is written', (_case, stamp) => {
    const bytes = muxFrame('stdout', entry(stamp, 'hello\n'));

    expect(frame([bytes], 'multiplexed')).toEqual([{ ts: stamp, stream: 'stdout', text: 'hello' }]);
  });

  it.each<StreamMode>(['multiplexed', 'raw'])(
    'cuts a line whose invalid bytes grow past the cap when decoded, whole or in pieces (%s)',
    (mode) => {
      // 8 invalid bytes fit a 10-byte cap, but decode to 8 U+FFFD of 3 bytes each.
      const bytes = asDocker(mode, [entry(ts(1), Buffer.concat([Buffer.alloc(8, 0xff), Buffer.from('\r\n')])), entry(ts(2), 'ok\n')]);
      const expected = [
        // The size of the whole line as decoded: 8 replacement characters.
        { ts: ts(1), stream: 'stdout', text: '\uFFFD'.repeat(3), truncated: true, originalBytes: 24 },
        { ts: ts(2), stream: 'stdout', text: 'ok' },
      ];

      const mismatches: number[] = [];
      for (let offset = 0; offset <= bytes.length; offset++) {
        if (JSON.stringify(frame(cutAt(bytes, offset), mode, { maxLineBytes: 10 })) !== JSON.stringify(expected)) mismatches.push(offset);
      }

      expect(frame([bytes], mode, { maxLineBytes: 10 })).toEqual(expected);
      expect(mismatches).toEqual([]);
    },
  );

  it('keeps invalid UTF-8 as replacement characters, still within MAX_LINE_BYTES', () => {
    const bytes = muxFrame('stdout', entry(ts(1), Buffer.concat([Buffer.alloc(MAX_LINE_BYTES, 0xff), Buffer.from('\n')])));

    const [line] = frame([bytes], 'multiplexed');

    expect(Buffer.byteLength(line!.text)).toBeLessThanOrEqual(MAX_LINE_BYTES);
    expect(line!.text).toMatch(/^\uFFFD+$/);
    expect(line!.truncated).toBe(true);
  });
});
