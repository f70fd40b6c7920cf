import { describe, expect, it } from 'vitest';
import type { LogLine } from '../../protocol';
import { LineBuffer, type LogRow } from '../../web/src/state/line-buffer';
import { compileFilter } from '../../web/src/state/line-filter';
import { createRowMerger } from '../../web/src/state/merged-rows';
import { createRowFilter } from '../../web/src/state/row-filter';
import { RowLayout } from '../../web/src/state/row-layout';

// A live container at the cap appends a few rows per frame to as many as 100,000: each stage after
// the buffer must follow what was added and dropped, never lay every row out again per frame.

const line = (seq: number): LogLine => ({
  seq,
  ts: `2026-12-01T18:00:${String(Math.floor(seq / 1e6)).padStart(2, '0')}.${String(seq % 1e6).padStart(6, '0')}000Z`,
  stream: 'stdout',
  text: seq % 3 === 0 ? `error ${seq}` : `ok ${seq}`,
});

const FRAMES = 60;
const PER_FRAME = 37;

describe('a flood at the cap stays incremental through the row filter and the layout', () => {
  for (const query of ['', 'error']) {
    it(`lays out only what was added and dropped, frame after frame (filter "${query}"), and anew once for a gap filled`, () => {
      const buffer = new LineBuffer({ capacity: 500 });
      const filter = createRowFilter();
      const compiled = compileFilter({ query, stream: 'all' });
      const layout = new RowLayout<LogRow>(() => 20);
      let seq = 1;
      const kinds: string[] = [];
      for (let frame = 0; frame < FRAMES; frame += 1) {
        if (frame === 30) seq += 5; // a batch lost on the way: a gap
        buffer.addLive(Array.from({ length: PER_FRAME }, () => line(seq++)), 1);
        if (frame === 40) {
          const gap = buffer.fetchingGaps()[0]!;
          buffer.fillGap(gap.fromSeq - 1, gap.toSeq, [], true);
        }
        kinds.push(layout.update(filter(buffer, compiled)).kind);
      }

      expect(kinds.slice(1).filter((kind) => kind === 'rebuilt')).toHaveLength(1);
    });
  }

  it('and through the merger of a container', () => {
    const buffer = new LineBuffer({ capacity: 500 });
    const merge = createRowMerger();
    const filter = createRowFilter();
    const compiled = compileFilter({ query: '', stream: 'all' });
    const layout = new RowLayout<LogRow>(() => 20);
    let seq = 1;
    const kinds: string[] = [];
    for (let frame = 0; frame < FRAMES; frame += 1) {
      buffer.addLive(Array.from({ length: PER_FRAME }, () => line(seq++)), 1);
      const merged = merge([{ id: 'a', rows: buffer.rows, trimmed: buffer.trimmed, rewrites: buffer.rewrites }]);
      kinds.push(layout.update(filter(merged, compiled)).kind);
    }

    expect(buffer.trimmed).toBeGreaterThan(0);
    expect(kinds.slice(1).filter((kind) => kind === 'rebuilt')).toEqual([]);
  });
});
