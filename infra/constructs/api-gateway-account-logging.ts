/**
 * The account-and-region-wide setting API Gateway needs before any stage may log to CloudWatch
 * (access logs and execution logs alike): the ARN of a role it assumes to write them. There is one
 * such setting per account and region, shared by every API in it, so this construct is optional
 * (the stack's `createApiGatewayLogRole`): an account that has it set already keeps its own.
 */
import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

/** AWS's policy for exactly this role: create log groups and streams, put events. */
export const API_GATEWAY_LOGS_POLICY = 'service-role/AmazonAPIGatewayPushToCloudWatchLogs';

export class ApiGatewayAccountLogging extends Construct {
  public readonly role: iam.Role;
  /** The account setting; a stage that logs must be created after it. */
  public readonly account: apigw.CfnAccount;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('apigateway.amazonaws.com'),
      description: "API Gateway's account-wide CloudWatch Logs role (access and execution logs of every API in this region)",
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName(API_GATEWAY_LOGS_POLICY)],
    });
    // Deleting the stack does not reset the account setting: other APIs of the account may log
    // through this role by then, and would silently stop logging if it went.
    this.role.applyRemovalPolicy(RemovalPolicy.RETAIN);
    Validations.of(this.role).acknowledge({
      id: `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/${API_GATEWAY_LOGS_POLICY}]`,
      reason:
        "AWS's own policy for API Gateway's account-wide logging role, the one the API Gateway documentation prescribes; the log groups it writes are chosen per stage by API Gateway (access logs) or named by it (execution logs), so an inline copy could not be narrower.",
    });
    this.account = new apigw.CfnAccount(this, 'Account', { cloudWatchRoleArn: this.role.roleArn });
  }
}
