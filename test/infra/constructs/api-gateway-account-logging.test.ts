import type { CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
import { ApiGatewayAccountLogging } from '../../../infra/constructs/api-gateway-account-logging';
import { disposeTestApps, unbundledStack } from '../fixtures/test-app';

describe('ApiGatewayAccountLogging', () => {
  afterAll(disposeTestApps);

  it("names a role API Gateway may assume, with AWS's push-to-CloudWatch policy, as the account's CloudWatch role", () => {
    const stack = unbundledStack();
    const logging = new ApiGatewayAccountLogging(stack, 'Logging');
    const template = Template.fromStack(stack);
    const roleId = stack.getLogicalId(logging.role.node.defaultChild as CfnElement);

    template.hasResourceProperties('AWS::ApiGateway::Account', { CloudWatchRoleArn: { 'Fn::GetAtt': [roleId, 'Arn'] } });
    const role = template.toJSON().Resources[roleId];
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      expect.objectContaining({ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'apigateway.amazonaws.com' } }),
    ]);
    expect(role.Properties.ManagedPolicyArns).toEqual([
      { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs']] },
    ]);
  });

  it('keeps the role when the stack is deleted: the account setting outlives the stack, and other APIs may log through it', () => {
    const stack = unbundledStack();
    new ApiGatewayAccountLogging(stack, 'Logging');

    Template.fromStack(stack).hasResource('AWS::IAM::Role', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });
});
