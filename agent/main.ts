/**
 * The agent's composition root: `node dist/agent/sidetail-agent.mjs` (the bundle, `npm run
 * build:agent`) or `tsx agent/main.ts`. Reads flags and the environment once (agent-config.ts;
 * `--help` lists them), builds the Docker client and the agent, and stops cleanly on SIGINT/SIGTERM.
 */
import { createAgent } from './agent';
import { ConfigError, agentCommand, readAgentConfig, type AgentConfig } from './agent-config';
import { agentHelp } from './agent-help';
import { AGENT_VERSION } from './agent-version';
import { dockerFromHost } from './docker/docker-client';

const argv = process.argv.slice(2);
const command = agentCommand(argv);
if (command === 'help') {
  process.stdout.write(agentHelp());
  process.exit(0);
}
if (command === 'version') {
  process.stdout.write(`${AGENT_VERSION}\n`);
  process.exit(0);
}

let config: AgentConfig;
try {
  config = readAgentConfig(process.env, argv);
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  console.error(`sidetail agent: ${err.message}`);
  process.exit(2);
}

const agent = createAgent({
  url: config.url,
  token: config.token,
  ...(config.hostName !== undefined ? { hostName: config.hostName } : {}),
  ...(config.agentId !== undefined ? { agentId: config.agentId } : {}),
  optIn: config.optIn,
  docker: dockerFromHost(config.dockerHost),
  ...(config.connectionMaxAgeMs !== undefined ? { tuning: { maxConnectionAgeMs: config.connectionMaxAgeMs } } : {}),
  // A configuration error found only once connected (the credential is another agent's).
  onFatal: () => process.exit(2),
  maxBufferBytes: config.maxBufferBytes,
  maxLineBytes: config.maxLineBytes,
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
