/**
 * The worker that runs regular expressions over long lines, so that the page can stop it
 * (Worker.terminate) when a pattern backtracks for too long: RegExp.exec on the page itself
 * cannot be interrupted. Bundled by Vite as a file of its own, from this origin: the page's CSP
 * (script-src 'self', which worker-src falls back to) allows it, where a blob: worker would not.
 */
import { runRegexPass, type RegexPassRequest } from './regex-pass';

const scope = self as unknown as {
  onmessage: ((event: MessageEvent<RegexPassRequest>) => void) | null;
  postMessage(message: unknown): void;
};

scope.onmessage = (event) => {
  scope.postMessage(runRegexPass(event.data));
};
