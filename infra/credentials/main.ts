/**
 * `npm run credentials -- …` (see credentials-command.ts for the commands): reads the flags and
 * environment once, builds the DynamoDB and @connections clients, runs the command, exits.
 */
import { createDocumentClient } from '../../lambdas/adapters/document-client';
import { DynamoCredentials } from '../../lambdas/adapters/dynamo-credentials';
import { ManagementApiCloser } from '../../lambdas/adapters/management-api-closer';
import { ManagementApiClients } from '../../lambdas/adapters/management-api-clients';
import { InvalidCredentialRequest } from '../../lambdas/domain/mint-credential';
import { CredentialsUsageError, parseCredentialsArgs, runCredentialsCommand, USAGE } from './credentials-command';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

let parsed: ReturnType<typeof parseCredentialsArgs>;
try {
  parsed = parseCredentialsArgs(process.argv.slice(2), process.env);
} catch (err) {
  if (!(err instanceof CredentialsUsageError)) throw err;
  console.error(`sidetail credentials: ${err.message}\n\n${USAGE}`);
  process.exit(2);
}
if (parsed === 'help') {
  console.log(USAGE);
  process.exit(0);
}

const { command, settings } = parsed;
const clock = { now: () => Date.now() };
const client = createDocumentClient({ endpoint: settings.dynamodbEndpoint, region: settings.region });
const clients = new ManagementApiClients({ region: settings.region, local: settings.dynamodbEndpoint !== undefined });
try {
  const code = await runCredentialsCommand(command, {
    credentials: new DynamoCredentials({ client, tableName: settings.tableName, clock }),
    ...(settings.connectionsEndpoint ? { closer: new ManagementApiCloser(clients.clientFor(settings.connectionsEndpoint)) } : {}),
    clock,
    out: (line) => console.log(line),
  });
  process.exitCode = code;
} catch (err) {
  if (err instanceof InvalidCredentialRequest) {
    console.error(`sidetail credentials: ${err.message}`);
    process.exitCode = 2;
  } else {
    console.error('sidetail credentials: failed', err);
    process.exitCode = 1;
  }
} finally {
  client.destroy();
  clients.destroy();
}
