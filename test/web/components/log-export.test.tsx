/**
 * Taking lines away: the download is a text file of what is shown (the matching lines while
 * filtering), or of every loaded line; markers are not lines and stay out. Copying the selection
 * is handed to the view.
 */
import { fireEvent, render } from '@solidjs/testing-library';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LogExport } from '../../../web/src/components/LogExport';
import { LineBuffer, type LogRow } from '../../../web/src/state/line-buffer';
import { filterRows } from '../../../web/src/state/line-filter';
import { logLine } from './rows';

interface Download {
  readonly name: string;
  readonly type: string;
  readonly text: Promise<string>;
}

describe('LogExport', () => {
  let downloads: Download[];
  let revoked: string[];
  let blobs: Map<string, Blob>;

  // The browser's download machinery: object URLs for the file, and the click on a link naming it.
  beforeEach(() => {
    downloads = [];
    revoked = [];
    blobs = new Map();
    vi.useFakeTimers({ toFake: ['setTimeout', 'Date'] });
    vi.setSystemTime(new Date('2026-11-25T12:34:56.789Z'));
    URL.createObjectURL = (blob: Blob) => {
      const url = `blob:sidetail/${blobs.size}`;
      blobs.set(url, blob);
      return url;
    };
    URL.revokeObjectURL = (url: string) => void revoked.push(url);
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      const blob = blobs.get(this.href)!;
      downloads.push({ name: this.download, type: blob.type, text: blob.text() });
    });
  });

  afterEach(() => {
    vi.restoreAllMocks();
    vi.useRealTimers();
  });

  // Two lines, a gap (seq 3) and a third line, one of them coloured.
  const buffer = new LineBuffer();
  buffer.addLive([
    logLine(1, 'GET /users 200', { ts: '2026-11-25T12:00:01.000000001Z' }),
    logLine(2, '\x1b[31mERROR\x1b[0m db down', { ts: '2026-11-25T12:00:02.123456789Z', stream: 'stderr' }),
    logLine(4, 'GET /users 503', { ts: '2026-11-25T12:00:04.5Z' }),
  ]);
  const loaded: readonly LogRow[] = buffer.rows;
  const matching = filterRows(loaded, { query: 'users', stream: 'all' });

  it('downloads the lines shown as text, one per line: the timestamp as Docker wrote it, the stream, the text without escapes', async () => {
    const { getByRole } = render(() => <LogExport name="/web-1" shown={loaded} loaded={loaded} filtering={false} onCopySelection={() => {}} />);

    fireEvent.click(getByRole('button', { name: 'Download' }));

    expect(downloads).toHaveLength(1);
    expect(downloads[0]!.name).toBe('web-1-2026-11-25T12-34-56Z.log');
    expect(downloads[0]!.type).toBe('text/plain;charset=utf-8');
    expect(await downloads[0]!.text).toBe(
      '2026-11-25T12:00:01.000000001Z stdout GET /users 200\n' +
        '2026-11-25T12:00:02.123456789Z stderr ERROR db down\n' +
        '2026-11-25T12:00:04.5Z stdout GET /users 503\n',
    );
    expect(loaded.some((row) => row.kind === 'gap')).toBe(true);
  });

  it('while filtering, downloads only the matching lines, or every loaded line with "Download all"', async () => {
    const { getByRole } = render(() => <LogExport name="web-1" shown={matching} loaded={loaded} filtering={true} onCopySelection={() => {}} />);

    fireEvent.click(getByRole('button', { name: 'Download matching' }));
    fireEvent.click(getByRole('button', { name: 'Download all' }));

    expect((await downloads[0]!.text).split('\n').filter(Boolean)).toEqual([
      '2026-11-25T12:00:01.000000001Z stdout GET /users 200',
      '2026-11-25T12:00:04.5Z stdout GET /users 503',
    ]);
    expect((await downloads[1]!.text).split('\n').filter(Boolean)).toHaveLength(3);
  });

  it('offers "Download all" only while filtering (otherwise what is shown is all)', () => {
    const { queryByRole } = render(() => <LogExport name="web-1" shown={loaded} loaded={loaded} filtering={false} onCopySelection={() => {}} />);

    expect(queryByRole('button', { name: 'Download all' })).toBeNull();
  });

  it('names the file safely whatever the container is called', () => {
    const { getByRole } = render(() => <LogExport name={'/../etc/pass wd<script>'} shown={loaded} loaded={loaded} filtering={false} onCopySelection={() => {}} />);

    fireEvent.click(getByRole('button', { name: 'Download' }));

    expect(downloads[0]!.name).toBe('.._etc_pass_wd_script_-2026-11-25T12-34-56Z.log');
  });

  it('lets the file’s address go once the download has it', () => {
    const { getByRole } = render(() => <LogExport name="web-1" shown={loaded} loaded={loaded} filtering={false} onCopySelection={() => {}} />);
    fireEvent.click(getByRole('button', { name: 'Download' }));
    expect(revoked).toEqual([]);

    vi.advanceTimersByTime(10_000);

    expect(revoked).toEqual(['blob:sidetail/0']);
  });

  it('copies the selection through the view, without the press moving the selection', () => {
    const onCopySelection = vi.fn();
    const { getByRole } = render(() => <LogExport name="web-1" shown={loaded} loaded={loaded} filtering={false} onCopySelection={onCopySelection} />);
    const copy = getByRole('button', { name: 'Copy selection' });

    const press = fireEvent.mouseDown(copy);
    fireEvent.click(copy);

    expect(press).toBe(false);
    expect(onCopySelection).toHaveBeenCalledTimes(1);
  });
});
