/**
 * `npm start`: the whole of Sidetail on this machine — see local-stack.ts. This file only deals
 * with the process: flags and environment (read once), the banner, signals and exit codes.
 */
import { InvalidDockerHostError } from '../../agent/docker/docker-client';
import { formatBanner } from './banner';
import { PortInUseError } from './listen';
import { parseLocalOptions, UsageError, USAGE, type LocalStartOptions } from './local-options';
import { startLocalStack, type LocalStack } from './local-stack';

// The handlers run on nodejs22.x in AWS; locally Node 20 is supported, so the SDK's notice that
// it will drop Node 20 is only noise in the banner.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** Ctrl-C must not hang: past this, give up on a clean stop. */
const SHUTDOWN_TIMEOUT_MS = 10_000;

function fail(message: string, code: number): never {
  console.error(`sidetail: ${message}`);
  process.exit(code);
}

let options: LocalStartOptions;
try {
  const parsed = parseLocalOptions(process.argv.slice(2), process.env);
  if (parsed === 'help') {
    console.log(USAGE);
    process.exit(0);
  }
  options = parsed;
} catch (err) {
  if (err instanceof UsageError) fail(`${err.message}\n\n${USAGE}`, 2);
  throw err;
}

let stack: LocalStack;
try {
  stack = await startLocalStack(options);
} catch (err) {
  if (err instanceof PortInUseError) {
    const which = err.port === options.gatewayPort ? 'WebSocket API (--gateway-port / SIDETAIL_GATEWAY_PORT)' : 'dashboard (--port / SIDETAIL_PORT)';
    fail(`port ${err.port} is already in use; choose another port for the ${which}`, 1);
  }
  if (err instanceof UsageError || err instanceof InvalidDockerHostError) fail(err.message, 2);
  console.error('sidetail: could not start', err);
  process.exit(1);
}

console.log(
  formatBanner({
    dashboardUrl: stack.dashboardUrl,
    wsUrl: stack.cloud.wsUrl,
    agentToken: stack.cloud.agentToken,
    agentId: stack.cloud.agentId,
    viewerToken: stack.cloud.viewerToken,
    credentialsEnvironment: {
      tableName: stack.cloud.store.tableName,
      dynamodbEndpoint: stack.cloud.store.endpoint,
      connectionsEndpoint: stack.cloud.connectionsEndpoint,
    },
  }),
);

let stopping = false;
function shutdown(signal: NodeJS.Signals): void {
  if (stopping) {
    console.error('sidetail: stopping now, without waiting');
    process.exit(130);
  }
  stopping = true;
  console.log(`sidetail: ${signal} received, stopping…`);
  const timer = setTimeout(() => fail(`did not stop within ${SHUTDOWN_TIMEOUT_MS / 1000} s; exiting anyway`, 1), SHUTDOWN_TIMEOUT_MS);
  timer.unref();
  stack.stop().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error('sidetail: error while stopping', err);
      process.exit(1);
    },
  );
}
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
