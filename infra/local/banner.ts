/** What `npm start` prints once everything runs: where to click and which credentials it minted. */
export interface BannerInfo {
  /** http://127.0.0.1:8080/ */
  readonly dashboardUrl: string;
  readonly wsUrl: string;
  /** The local agent's own credential, and the agent id it was minted for. */
  readonly agentToken: string;
  readonly agentId: string;
  readonly viewerToken: string;
  /** What `npm run credentials` needs to reach this run's store and gateway. */
  readonly credentialsEnvironment: {
    readonly tableName: string;
    readonly dynamodbEndpoint: string;
    readonly connectionsEndpoint: string;
  };
}

export function formatBanner(info: BannerInfo): string {
  // The token rides in the fragment, which browsers never send to the server.
  const open = `${info.dashboardUrl}#token=${encodeURIComponent(info.viewerToken)}`;
  const env = info.credentialsEnvironment;
  return [
    '',
    'Sidetail is running locally.',
    '',
    `  Dashboard      ${open}`,
    `  WebSocket API  ${info.wsUrl}`,
    `  Agent token    ${info.agentToken}  (the local agent, "${info.agentId}")`,
    `  Viewer token   ${info.viewerToken}`,
    '',
    '  More credentials for this run (another agent: mint --agent <id>; list; revoke <credentialId>):',
    `    SIDETAIL_TABLE=${env.tableName} SIDETAIL_DYNAMODB_ENDPOINT=${env.dynamodbEndpoint} ` +
      `SIDETAIL_CONNECTIONS_ENDPOINT=${env.connectionsEndpoint} npm run credentials -- mint --viewer`,
    '',
    'Press Ctrl-C to stop.',
    '',
  ].join('\n');
}
