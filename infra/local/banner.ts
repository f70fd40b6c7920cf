/** What `npm start` prints once everything runs: where to click and which secrets it uses. */
export interface BannerInfo {
  /** http://127.0.0.1:8080/ */
  readonly dashboardUrl: string;
  readonly wsUrl: string;
  readonly agentToken: string;
  readonly viewerToken: string;
}

export function formatBanner(info: BannerInfo): string {
  // The token rides in the fragment, which browsers never send to the server.
  const open = `${info.dashboardUrl}#token=${encodeURIComponent(info.viewerToken)}`;
  return [
    '',
    'Sidetail is running locally.',
    '',
    `  Dashboard      ${open}`,
    `  WebSocket API  ${info.wsUrl}`,
    `  Agent token    ${info.agentToken}`,
    `  Viewer token   ${info.viewerToken}`,
    '',
    'Press Ctrl-C to stop.',
    '',
  ].join('\n');
}
