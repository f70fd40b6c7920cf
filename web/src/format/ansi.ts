/**
 * ANSI escape sequences in container output: colours (SGR) become styled runs of plain text,
 * everything else (cursor moves, erases, titles) is removed. Pure; the output is only ever
 * rendered as text nodes, so a hostile line can style itself at most.
 */

/** 0–15 is the terminal palette (themed in CSS); a string is a CSS colour from 256-colour or truecolour codes. */
export type AnsiColor = number | string;

export interface AnsiStyle {
  readonly fg?: AnsiColor;
  readonly bg?: AnsiColor;
  readonly bold?: boolean;
  readonly dim?: boolean;
  readonly italic?: boolean;
  readonly underline?: boolean;
}

export interface StyledRun {
  readonly text: string;
  readonly style: AnsiStyle;
}

// CSI (ESC [ … final byte); the control strings OSC (ESC ]), DCS (ESC P), SOS (ESC X), PM (ESC ^)
// and APC (ESC _), each up to BEL or ESC \ and removed with their contents (sixel images, kitty
// graphics, tmux pass-through are not text); then the other two-byte escapes.
const ESCAPE = /\x1b(?:\[([0-?]*)[ -/]*([@-~])|[\]PX^_][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])/g;

const PLAIN: AnsiStyle = {};

export function stripAnsi(text: string): string {
  return text.includes('\x1b') ? text.replace(ESCAPE, '') : text;
}

export function parseAnsi(text: string): StyledRun[] {
  if (!text.includes('\x1b')) return text === '' ? [] : [{ text, style: PLAIN }];
  const runs: StyledRun[] = [];
  let style: AnsiStyle = PLAIN;
  let from = 0;
  for (const match of text.matchAll(ESCAPE)) {
    if (match.index > from) runs.push({ text: text.slice(from, match.index), style });
    from = match.index + match[0].length;
    if (match[2] === 'm') style = applySgr(style, match[1] ?? '');
  }
  if (from < text.length) runs.push({ text: text.slice(from), style });
  return runs;
}

function applySgr(current: AnsiStyle, params: string): AnsiStyle {
  const groups = params === '' ? [''] : params.split(';');
  const codes = groups.map((group) => number(group.split(':')[0]!));
  let next: { -readonly [K in keyof AnsiStyle]: AnsiStyle[K] } = { ...current };
  for (let i = 0; i < codes.length; i += 1) {
    const code = codes[i]!;
    // ITU T.416's colon form carries a colour within its own parameter: 38:5:n, 38:2:[cs]:r:g:b.
    if ((code === 38 || code === 48) && groups[i]!.includes(':')) {
      const color = colonColor(groups[i]!.split(':').slice(1).map(number));
      if (color !== undefined) {
        if (code === 38) next.fg = color;
        else next.bg = color;
      }
    } else if (code === 0) next = {};
    else if (code === 1) next.bold = true;
    else if (code === 2) next.dim = true;
    else if (code === 3) next.italic = true;
    else if (code === 4) next.underline = true;
    else if (code === 22) next.bold = next.dim = undefined;
    else if (code === 23) next.italic = undefined;
    else if (code === 24) next.underline = undefined;
    else if (code >= 30 && code <= 37) next.fg = code - 30;
    else if (code >= 90 && code <= 97) next.fg = code - 90 + 8;
    else if (code === 39) next.fg = undefined;
    else if (code >= 40 && code <= 47) next.bg = code - 40;
    else if (code >= 100 && code <= 107) next.bg = code - 100 + 8;
    else if (code === 49) next.bg = undefined;
    else if (code === 38 || code === 48) {
      const [color, used] = extendedColor(codes, i + 1);
      if (color !== undefined) {
        if (code === 38) next.fg = color;
        else next.bg = color;
      }
      i += used;
    }
  }
  return compact(next);
}

function number(param: string): number {
  return param === '' ? 0 : Number(param);
}

/** The sub-parameters after 38: or 48: — `5:n`, `2:r:g:b`, or `2:cs:r:g:b` with a colour-space id (often empty). */
function colonColor(sub: number[]): AnsiColor | undefined {
  if (sub[0] === 5) return sub[1] === undefined ? undefined : color256(sub[1]);
  if (sub[0] !== 2) return undefined;
  const [r, g, b] = sub.length >= 5 ? sub.slice(2, 5) : sub.slice(1, 4);
  return r === undefined || g === undefined || b === undefined ? undefined : rgb(r, g, b);
}

/** `5;n` (256 colours) or `2;r;g;b` (truecolour) after a 38/48; returns the colour and how many codes it used. */
function extendedColor(codes: number[], at: number): [AnsiColor | undefined, number] {
  const mode = codes[at];
  if (mode === 5) {
    const n = codes[at + 1];
    return [n === undefined ? undefined : color256(n), 2];
  }
  if (mode === 2) {
    const [r, g, b] = [codes[at + 1], codes[at + 2], codes[at + 3]];
    if (r === undefined || g === undefined || b === undefined) return [undefined, 4];
    return [rgb(r, g, b), 4];
  }
  return [undefined, 0];
}

function color256(n: number): AnsiColor | undefined {
  if (!Number.isInteger(n) || n < 0 || n > 255) return undefined;
  if (n < 16) return n;
  if (n >= 232) {
    const level = 8 + (n - 232) * 10;
    return rgb(level, level, level);
  }
  const cube = n - 16;
  const step = (v: number) => (v === 0 ? 0 : 55 + v * 40);
  return rgb(step(Math.floor(cube / 36)), step(Math.floor(cube / 6) % 6), step(cube % 6));
}

function rgb(r: number, g: number, b: number): string {
  const channel = (v: number) => Math.max(0, Math.min(255, Math.trunc(v)));
  return `rgb(${channel(r)}, ${channel(g)}, ${channel(b)})`;
}

function compact(style: AnsiStyle): AnsiStyle {
  const entries = Object.entries(style).filter(([, value]) => value !== undefined);
  return entries.length === 0 ? PLAIN : (Object.fromEntries(entries) as AnsiStyle);
}
