import { describe, expect, it } from 'vitest';
import { parseAnsi, stripAnsi } from '../../web/src/format/ansi';
import { lineSegments } from '../../web/src/format/line-segments';
import { compileFilter } from '../../web/src/state/line-filter';

describe('parseAnsi', () => {
  it('returns plain text as one unstyled run', () => {
    expect(parseAnsi('hello')).toEqual([{ text: 'hello', style: {} }]);
  });

  it('styles text after SGR codes and resets on 0', () => {
    expect(parseAnsi('\x1b[1;31mERR\x1b[0m ok')).toEqual([
      { text: 'ERR', style: { bold: true, fg: 1 } },
      { text: ' ok', style: {} },
    ]);
  });

  it.each([
    ['bright foreground', '\x1b[92mx', { fg: 10 }],
    ['background', '\x1b[44mx', { bg: 4 }],
    ['256-colour palette entry', '\x1b[38;5;9mx', { fg: 9 }],
    ['256-colour cube', '\x1b[38;5;196mx', { fg: 'rgb(255, 0, 0)' }],
    ['256-colour grey', '\x1b[48;5;232mx', { bg: 'rgb(8, 8, 8)' }],
    ['truecolour', '\x1b[38;2;10;20;30mx', { fg: 'rgb(10, 20, 30)' }],
    ['default foreground after a colour', '\x1b[31;39mx', {}],
    ['empty parameters as a reset', '\x1b[31m\x1b[mx', {}],
    ['truecolour in the colon form, colour space left empty (ITU T.416)', '\x1b[38:2::10:20:30mx', { fg: 'rgb(10, 20, 30)' }],
    ['truecolour in the colon form, colour space named', '\x1b[48:2:0:10:20:30mx', { bg: 'rgb(10, 20, 30)' }],
    ['truecolour in the colon form without a colour space', '\x1b[38:2:10:20:30mx', { fg: 'rgb(10, 20, 30)' }],
    ['256 colours in the colon form, then bold', '\x1b[38:5:196;1mx', { fg: 'rgb(255, 0, 0)', bold: true }],
  ])('reads %s', (_name, text, style) => {
    expect(parseAnsi(text)).toEqual([{ text: 'x', style }]);
  });

  it('removes escapes that are not colours (cursor moves, erase, titles)', () => {
    expect(parseAnsi('\x1b[2K\x1b[1Gdone\x1b]0;title\x07!')).toEqual([
      { text: 'done', style: {} },
      { text: '!', style: {} },
    ]);
  });

  it.each([
    ['a device control string (DCS)', '\x1bPq#0;2;0;0;0#1!6~\x1b\\'],
    ['an application program command (APC)', '\x1b_Gf=100;payload\x1b\\'],
    ['a privacy message (PM)', '\x1b^secret\x1b\\'],
    ['a start of string (SOS)', '\x1bXstring\x1b\\'],
  ])('removes %s with its contents', (_name, escape) => {
    expect(parseAnsi(`before ${escape}after`)).toEqual([
      { text: 'before ', style: {} },
      { text: 'after', style: {} },
    ]);
  });
});

describe('stripAnsi', () => {
  it('leaves only the visible text', () => {
    expect(stripAnsi('\x1b[32mGET\x1b[0m /api \x1b[2K200')).toBe('GET /api 200');
  });
});

describe('lineSegments', () => {
  it('cuts styled runs where a match starts and ends', () => {
    expect(lineSegments('\x1b[31mERROR\x1b[0m: disk error', 'error')).toEqual([
      { text: 'ERROR', style: { fg: 1 }, match: true },
      { text: ': disk ', style: {}, match: false },
      { text: 'error', style: {}, match: true },
    ]);
  });

  it('splits a match that spans two styled runs', () => {
    expect(lineSegments('ab\x1b[1mcd', 'bc')).toEqual([
      { text: 'a', style: {}, match: false },
      { text: 'b', style: {}, match: true },
      { text: 'c', style: { bold: true }, match: true },
      { text: 'd', style: { bold: true }, match: false },
    ]);
  });

  it('composes regular-expression matches with the colours they cross', () => {
    const matcher = compileFilter({ query: 'b\\w+ \\d', stream: 'all', regex: true }).matcher;
    expect(lineSegments('a \x1b[33mbeta\x1b[0m 42', matcher)).toEqual([
      { text: 'a ', style: {}, match: false },
      { text: 'beta', style: { fg: 3 }, match: true },
      { text: ' 4', style: {}, match: true },
      { text: '2', style: {}, match: false },
    ]);
  });

  it('keeps markup-looking text as plain text', () => {
    expect(lineSegments('<img src=x onerror=alert(1)>', '')).toEqual([
      { text: '<img src=x onerror=alert(1)>', style: {}, match: false },
    ]);
  });
});
