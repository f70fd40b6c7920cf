import { describe, expect, it } from 'vitest';
import { copyMessage, copyText } from '../../web/src/state/clipboard-copy';
import { exportFileName, linesAsText } from '../../web/src/format/line-export';
import type { LogRow } from '../../web/src/state/line-buffer';
import { lineRow } from './line-rows';

describe('lines as a text file', () => {
  it('writes each line as ts, stream and text without escapes, markers left out', () => {
    const rows: LogRow[] = [
      { ...lineRow(1, '\u001b[31mred\u001b[0m alert'), ts: '2026-11-25T12:00:00.123456789Z' },
      { kind: 'gap', key: 'gap:2', fromSeq: 2, toSeq: 2, state: 'missing' },
      { ...lineRow(3, '<b>as text</b>', 'stderr'), ts: '2026-11-25T12:00:01.000000000Z' },
    ];
    expect(linesAsText(rows)).toBe('2026-11-25T12:00:00.123456789Z stdout red alert\n2026-11-25T12:00:01.000000000Z stderr <b>as text</b>\n');
  });

  it('writes each line’s container after its time, for lines of several containers', () => {
    const rows: LogRow[] = [
      { ...lineRow(1, 'GET /'), ts: '2026-11-25T12:00:00.000000001Z' },
      { ...lineRow(1, 'ready'), key: 'db line:1', ts: '2026-11-25T12:00:00.000000002Z' },
    ];
    expect(linesAsText(rows, (row) => (row.key === 'db line:1' ? 'db' : 'api'))).toBe(
      '2026-11-25T12:00:00.000000001Z api stdout GET /\n2026-11-25T12:00:00.000000002Z db stdout ready\n',
    );
  });

  it('is empty without lines', () => {
    expect(linesAsText([])).toBe('');
  });

  it('names the file after the container and the moment, in UTC, safe for any file system', () => {
    expect(exportFileName('/web app:1', new Date('2026-11-25T12:34:56.789Z'))).toBe('web_app_1-2026-11-25T12-34-56Z.log');
    expect(exportFileName('', new Date('2026-11-25T12:34:56Z'))).toBe('container-2026-11-25T12-34-56Z.log');
  });
});

describe('copying', () => {
  it('writes the text to the clipboard', async () => {
    const written: string[] = [];
    expect(await copyText('a line', { writeText: async (t) => void written.push(t) })).toBe('copied');
    expect(written).toEqual(['a line']);
  });

  it('says so when the page has no Clipboard API, or the browser refuses', async () => {
    expect(await copyText('x', undefined)).toBe('unavailable');
    expect(await copyText('x', { writeText: () => Promise.reject(new DOMException('denied', 'NotAllowedError')) })).toBe('refused');
    expect(copyMessage('unavailable', 'the line')).toMatch(/Ctrl\+C/);
    expect(copyMessage('refused', 'the line')).toMatch(/refused.*Ctrl\+C/);
    expect(copyMessage('copied', 'the line')).toBe('Copied the line.');
  });
});
