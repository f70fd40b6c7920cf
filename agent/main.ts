/**
 * The agent's composition root: `tsx agent/main.ts`. Reads the environment once (see
 * agent-config.ts), builds the Docker client and the agent, and stops cleanly on SIGINT/SIGTERM.
 */
import os from 'node:os';
import { createAgent } from './agent';
import { ConfigError, readAgentConfig, type AgentConfig } from './agent-config';
import { dockerFromHost } from './docker/docker-client';

let config: AgentConfig;
try {
  config = readAgentConfig(process.env, os.hostname(), process.argv.slice(2));
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  console.error(`sidetail agent: ${err.message}`);
  process.exit(2);
}

const agent = createAgent({
  url: config.url,
  token: config.token,
  hostName: config.hostName,
  docker: dockerFromHost(config.dockerHost),
  maxBufferBytes: config.maxBufferBytes,
});
agent.start();

let stopping = false;
const shutdown = (signal: NodeJS.Signals): void => {
  if (stopping) {
    // A second signal: the user does not want to wait.
    process.exit(130);
  }
  stopping = true;
  console.log(`sidetail agent: ${signal} received, stopping`);
  agent.stop().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error('sidetail agent: error while stopping', err);
      process.exit(1);
    },
  );
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
