import { describe, expect, it } from 'vitest';
import { jsonTreeRows, looksLikeJson, parseJsonLine } from '../../web/src/format/json-line';

describe('parseJsonLine', () => {
  it.each([
    ['{"level":"info","msg":"hi"}', { level: 'info', msg: 'hi' }],
    ['  [1, 2]  ', [1, 2]],
  ])('reads %j as JSON', (text, value) => {
    expect(parseJsonLine(text)).toEqual(value);
  });

  it.each(['plain text', '{"unterminated": ', '"a string"', '42', 'null', '{not json}', '[1, 2', 'prefix {"a":1}'])('leaves %j as text', (text) => {
    expect(parseJsonLine(text)).toBeUndefined();
  });

  it('only looks at the outer brackets to decide cheaply', () => {
    expect(looksLikeJson('{ x }')).toBe(true);
    expect(looksLikeJson('{ x ]')).toBe(false);
    expect(looksLikeJson('   ')).toBe(false);
  });
});

describe('jsonTreeRows', () => {
  it('lays out keys, values and brackets by depth', () => {
    expect(jsonTreeRows({ msg: 'boom', req: { id: 7, ok: true, tags: [] }, err: null })).toEqual([
      { depth: 0, text: '{ 3', kind: 'open' },
      { depth: 1, key: 'msg', text: '"boom"', kind: 'string' },
      { depth: 1, key: 'req', text: '{ 3', kind: 'open' },
      { depth: 2, key: 'id', text: '7', kind: 'number' },
      { depth: 2, key: 'ok', text: 'true', kind: 'boolean' },
      { depth: 2, key: 'tags', text: '[]', kind: 'open' },
      { depth: 1, text: '}', kind: 'close' },
      { depth: 1, key: 'err', text: 'null', kind: 'null' },
      { depth: 0, text: '}', kind: 'close' },
    ]);
  });

  it('keeps markup in values as quoted text', () => {
    expect(jsonTreeRows({ html: '<script>x</script>' })[1]).toEqual({ depth: 1, key: 'html', text: '"<script>x</script>"', kind: 'string' });
  });

  it('cuts what is deeper than the depth limit, saying how much', () => {
    let deep: unknown = { leaf: 1 };
    for (let i = 0; i < 20; i += 1) deep = { d: deep };
    const rows = jsonTreeRows(deep as never, { maxDepth: 3, maxChildren: 100, maxRows: 400, maxValueChars: 100 });
    expect(rows.filter((r) => r.kind === 'cut')).toEqual([{ depth: 3, key: 'd', text: '{ … 1 entry deeper than 3 levels }', kind: 'cut' }]);
  });

  it('shows the first children of a wide node and how many more there are', () => {
    const rows = jsonTreeRows(Array.from({ length: 250 }, (_, i) => i), { maxDepth: 8, maxChildren: 100, maxRows: 400, maxValueChars: 100 });
    expect(rows).toHaveLength(103);
    expect(rows[101]).toEqual({ depth: 1, text: '… 150 more', kind: 'cut' });
  });

  it('bounds the rows in all, and long values', () => {
    const wide = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, Array.from({ length: 50 }, () => 'x'.repeat(10))]));
    const rows = jsonTreeRows(wide, { maxDepth: 8, maxChildren: 100, maxRows: 120, maxValueChars: 5 });
    expect(rows).toHaveLength(120);
    expect(rows.at(-1)).toEqual({ depth: 0, text: '… the rest is not shown (more than 120 rows)', kind: 'cut' });
    expect(rows[2]!.text).toBe('"xxxx… (7 more characters)');
  });
});
