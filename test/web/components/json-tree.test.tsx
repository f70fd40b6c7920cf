/** A JSON line opened into a tree: a text row per key, value and bracket, indented by depth, and bounded. */
import { render } from '@solidjs/testing-library';
import { describe, expect, it } from 'vitest';
import { JsonTree } from '../../../web/src/components/JsonTree';
import { MAX_LINE_BYTES } from '../../../protocol';
import { DEFAULT_JSON_LIMITS } from '../../../web/src/format/json-line';

function renderTree(text: string) {
  const result = render(() => <JsonTree text={text} />);
  const items = () => [...result.container.querySelectorAll('[role=treeitem]')] as HTMLElement[];
  return { ...result, items, rows: () => items().map((item) => item.textContent) };
}

describe('JsonTree', () => {
  it('lays an object out one row per entry, nested values indented under their key', () => {
    const { rows, items } = renderTree('{"level":"info","user":{"id":7,"admin":true},"tags":["a",null]}');

    expect(rows()).toEqual(['{ 3', 'level: "info"', 'user: { 2', 'id: 7', 'admin: true', '}', 'tags: [ 2', '0: "a"', '1: null', ']', '}']);
    expect(items().map((item) => item.getAttribute('aria-level'))).toEqual(['1', '2', '2', '3', '3', '2', '2', '3', '3', '2', '1']);
    expect(items()[3]!.style.paddingLeft).toBe('32px');
  });

  it('marks each value with its kind, for colour', () => {
    const { container } = renderTree('{"s":"x","n":1.5,"b":false,"z":null}');

    expect([...container.querySelectorAll('.json-string, .json-number, .json-boolean, .json-null')].map((value) => value.className)).toEqual([
      'json-string',
      'json-number',
      'json-boolean',
      'json-null',
    ]);
  });

  it('shows markup inside keys and values as text', () => {
    const { container, rows } = renderTree('{"<img src=x onerror=alert(1)>":"<script>alert(2)</script>"}');

    expect(rows()[1]).toBe('<img src=x onerror=alert(1)>: "<script>alert(2)</script>"');
    expect(container.querySelector('img, script')).toBeNull();
  });

  it('says a line that only looked like JSON is not valid JSON', () => {
    const { container, items } = renderTree('{"unterminated": "value}');

    expect(items()).toHaveLength(0);
    expect(container.textContent).toBe('not valid JSON');
  });

  it('opens a JSON line as long as the longest an agent sends whole, not calling it invalid', () => {
    const long = JSON.stringify({ level: 'info', payload: 'x'.repeat(MAX_LINE_BYTES - 64) });
    expect(long.length).toBeGreaterThan(200 * 1024);

    const { rows, container } = renderTree(long);

    expect(container.textContent).not.toContain('not valid JSON');
    expect(rows()[1]).toBe('level: "info"');
  });

  it('stops at a bounded depth and says how much lies deeper', () => {
    const deep = '{"a":'.repeat(20) + '1' + '}'.repeat(20);
    const { rows } = renderTree(deep);

    expect(rows().length).toBeLessThan(2 * DEFAULT_JSON_LIMITS.maxDepth + 2);
    expect(rows()).toContain(`a: { … 1 entry deeper than ${DEFAULT_JSON_LIMITS.maxDepth} levels }`);
  });

  it('shows a bounded number of children, and how many more there are', () => {
    const many = JSON.stringify(Array.from({ length: 250 }, (_, i) => i));
    const { rows } = renderTree(many);

    expect(rows()).toHaveLength(1 + DEFAULT_JSON_LIMITS.maxChildren + 2);
    expect(rows()).toContain('… 150 more');
  });

  it('shows a bounded number of rows in all, and says the rest is not shown', () => {
    const wide = JSON.stringify(Object.fromEntries(Array.from({ length: 90 }, (_, i) => [`k${i}`, [1, 2, 3, 4, 5]])));
    const { rows } = renderTree(wide);

    expect(rows()).toHaveLength(DEFAULT_JSON_LIMITS.maxRows);
    expect(rows().at(-1)).toBe(`… the rest is not shown (more than ${DEFAULT_JSON_LIMITS.maxRows} rows)`);
  });

  it('cuts a very long value and says by how much', () => {
    const { rows } = renderTree(JSON.stringify({ blob: 'x'.repeat(5_000) }));

    expect(rows()[1]).toMatch(/^blob: "x+… \(3,002 more characters\)$/);
    expect(rows()[1]!.length).toBeLessThan(DEFAULT_JSON_LIMITS.maxValueChars + 60);
  });
});
