/** The wire protocol: imported by the agent, the Lambdas and the dashboard alike. */
export * from './limits';
export * from './timestamp';
export * from './messages';
export * from './routes';
export * from './codec';
export * from './container-key';
export * from './packed-lines';
