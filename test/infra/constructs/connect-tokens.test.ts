import { RemovalPolicy, Stack, type App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectTokens } from '../../../infra/constructs/connect-tokens';
import { InvalidPropsError } from '../../../infra/constructs/invalid-props-error';
import { disposeTestApps, testApp } from '../fixtures/test-app';

describe('ConnectTokens', () => {
  let app: App;
  let stack: Stack;
  let tokens: ConnectTokens;
  let defaults: Template;
  let retainedLong: Template;

  beforeAll(() => {
    app = testApp();
    stack = new Stack(app, 'Defaults');
    tokens = new ConnectTokens(stack, 'Tokens');
    const tuned = new Stack(app, 'RetainedLong');
    new ConnectTokens(tuned, 'Tokens', { tokenLength: 64, removalPolicy: RemovalPolicy.RETAIN });
    const assembly = app.synth();
    defaults = Template.fromJSON(assembly.getStackArtifact(stack.artifactId).template);
    retainedLong = Template.fromJSON(assembly.getStackArtifact(tuned.artifactId).template);
  });

  afterAll(disposeTestApps);

  it('generates one URL-safe 48-character secret per role', () => {
    defaults.resourceCountIs('AWS::SecretsManager::Secret', 2);
    defaults.allResourcesProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: { PasswordLength: 48, ExcludePunctuation: true, IncludeSpace: false },
    });
  });

  it('hands out dynamic references, never a token value, as AGENT_TOKEN and VIEWER_TOKEN', () => {
    const secretId = (secret: secretsmanager.Secret) => stack.getLogicalId(secret.node.defaultChild as secretsmanager.CfnSecret);
    const reference = (secret: secretsmanager.Secret) => ({
      'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: secretId(secret) }, ':SecretString:::}}']],
    });

    expect(stack.resolve(tokens.environment())).toEqual({
      AGENT_TOKEN: reference(tokens.agentToken),
      VIEWER_TOKEN: reference(tokens.viewerToken),
    });
  });

  it('deletes the secrets with the stack by default, and keeps them with removalPolicy RETAIN', () => {
    defaults.allResources('AWS::SecretsManager::Secret', { DeletionPolicy: 'Delete' });
    retainedLong.allResources('AWS::SecretsManager::Secret', { DeletionPolicy: 'Retain' });
  });

  it('honours a longer tokenLength', () => {
    retainedLong.allResourcesProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: Match.objectLike({ PasswordLength: 64 }),
    });
  });

  it.each([16, 31, 40.5])('throws InvalidPropsError for tokenLength %s', (tokenLength) => {
    const scope = new Stack(testApp(), 'Rejected');

    expect(() => new ConnectTokens(scope, 'Tokens', { tokenLength })).toThrow(InvalidPropsError);
  });
});
