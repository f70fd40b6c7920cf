/**
 * What in an HTML page a `script-src 'self'` Content-Security-Policy would refuse to run: inline
 * `<script>` elements, inline event handlers (`onclick="…"`) and `javascript:` URLs. The
 * DashboardSite refuses a build that has any, so the CSP it sends can never break the dashboard.
 */
const SCRIPT_TAG = /<script\b([^>]*)>/gi;
const SRC_ATTRIBUTE = /\ssrc\s*=/i;
const EVENT_HANDLER = /<[^>]*\s(on[a-z]+)\s*=/gi;
const JAVASCRIPT_URL = /\s(?:href|src|action|formaction)\s*=\s*["']?\s*javascript:/gi;

/** One short description per finding, in document order; empty when the page holds none. */
export function findInlineScripts(html: string): string[] {
  const findings: string[] = [];
  for (const match of html.matchAll(SCRIPT_TAG)) {
    if (!SRC_ATTRIBUTE.test(match[1] ?? '')) findings.push(`inline <script${match[1]}>`);
  }
  for (const match of html.matchAll(EVENT_HANDLER)) findings.push(`inline event handler ${match[1]}`);
  for (const _match of html.matchAll(JAVASCRIPT_URL)) findings.push('javascript: URL');
  return findings;
}
