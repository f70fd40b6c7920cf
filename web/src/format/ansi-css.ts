/** An ANSI style as CSS: palette colours are classes (themed in log-view.css), others inline colours. */
import type { AnsiStyle } from './ansi';

export function ansiClasses(style: AnsiStyle): Record<string, boolean> {
  const classes: Record<string, boolean> = {};
  if (typeof style.fg === 'number') classes[`ansi-fg-${style.fg}`] = true;
  if (typeof style.bg === 'number') classes[`ansi-bg-${style.bg}`] = true;
  if (style.bold) classes['ansi-bold'] = true;
  if (style.dim) classes['ansi-dim'] = true;
  if (style.italic) classes['ansi-italic'] = true;
  if (style.underline) classes['ansi-underline'] = true;
  return classes;
}

export function ansiInlineStyle(style: AnsiStyle): Record<string, string> | undefined {
  const fg = typeof style.fg === 'string' ? style.fg : undefined;
  const bg = typeof style.bg === 'string' ? style.bg : undefined;
  if (fg === undefined && bg === undefined) return undefined;
  return { ...(fg && { color: fg }), ...(bg && { 'background-color': bg }) };
}
