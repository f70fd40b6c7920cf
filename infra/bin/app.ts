/**
 * Composition root: the only code that reads CDK context and the process environment at synth time.
 * Everything below it receives plain, validated props. The dashboard is built before this runs
 * (cdk.json's "app" runs `vite build` first); without a build the DashboardSite fails synth saying so.
 */
import { App } from 'aws-cdk-lib';
import { SidetailStack } from '../stacks/sidetail-stack';
import { readAppSettings } from './app-settings';

const app = new App();
const settings = readAppSettings((key) => app.node.tryGetContext(key), process.env);

new SidetailStack(app, settings.stackName, {
  stackName: settings.stackName,
  env: settings.env,
  description: 'Sidetail: live Docker container logs over an API Gateway WebSocket API',
  stageName: settings.stageName,
  bufferLines: settings.bufferLines,
  bufferTtlSeconds: settings.bufferTtlSeconds,
  removalPolicy: settings.removalPolicy,
  logRetention: settings.logRetention,
  ...(settings.alarmEmail !== undefined ? { alarmEmail: settings.alarmEmail } : {}),
  createApiGatewayLogRole: settings.createApiGatewayLogRole,
});

app.synth();
