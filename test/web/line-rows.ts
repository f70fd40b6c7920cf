/** Line rows as the buffer makes them, for filter and view specs. */
import { stripAnsi } from '../../web/src/format/ansi';
import { detectLevel } from '../../web/src/format/log-level';
import type { LineRow } from '../../web/src/state/line-buffer';

export function lineRow(seq: number, text: string, stream: 'stdout' | 'stderr' = 'stdout'): LineRow {
  const plain = stripAnsi(text);
  return {
    kind: 'line',
    key: `line:${seq}`,
    seq,
    ts: '2024-05-06T07:08:09Z',
    stream,
    text,
    plain,
    searchText: plain.toLowerCase(),
    level: detectLevel(plain),
    truncated: false,
  };
}
