/**
 * Copying text through the Clipboard API, with an answer to show either way. The API exists only
 * in a secure context (HTTPS, or localhost) and may be refused (no permission, the page not
 * focused): then the reader is told how to copy by hand, never left guessing.
 */

/** The part of navigator.clipboard used here. */
export interface ClipboardLike {
  writeText(text: string): Promise<void>;
}

export type CopyOutcome = 'copied' | 'unavailable' | 'refused';

export async function copyText(text: string, clipboard: ClipboardLike | undefined): Promise<CopyOutcome> {
  if (!clipboard || typeof clipboard.writeText !== 'function') return 'unavailable';
  try {
    await clipboard.writeText(text);
    return 'copied';
  } catch {
    return 'refused';
  }
}

/** What to say after copying `what` ("the line", "3 lines"). */
export function copyMessage(outcome: CopyOutcome, what: string): string {
  switch (outcome) {
    case 'copied':
      return `Copied ${what}.`;
    case 'unavailable':
      return 'Copying needs a secure page (HTTPS): select the text and press Ctrl+C instead.';
    case 'refused':
      return 'The browser refused to copy: select the text and press Ctrl+C instead.';
  }
}
