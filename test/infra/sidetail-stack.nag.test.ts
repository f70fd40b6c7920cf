/**
 * cdk-nag's AwsSolutions pack over the whole stack, in the variants a user can deploy: every
 * finding is either fixed or acknowledged on the one resource it concerns, with a reason.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RemovalPolicy, Validations, type App } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { afterAll, describe, expect, it } from 'vitest';
import { SidetailStack } from '../../infra/stacks/sidetail-stack';
import { disposeTestApps, FIXTURE_DASHBOARD, testApp } from './fixtures/test-app';

interface Violation {
  readonly ruleName: string;
  readonly violatingConstructs: readonly { readonly constructPath: string }[];
}

/** Synthesizes with the pack attached; the findings as `rule at path` lines (empty: none). */
function nagFindings(app: App): string[] {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  try {
    app.synth();
  } catch (error) {
    // A finding fails synthesis; the report says which.
    if (!(error instanceof Error) || !/Validation failed|ValidationFailed/i.test(`${error.name} ${error.message}`)) throw error;
  }
  const report = JSON.parse(readFileSync(join(app.outdir, 'validation-report.json'), 'utf8')) as {
    pluginReports: { violations?: Violation[] }[];
  };
  return report.pluginReports.flatMap((plugin) =>
    (plugin.violations ?? []).flatMap((v) => v.violatingConstructs.map((c) => `${v.ruleName} at ${c.constructPath}`)),
  );
}

interface Acknowledgment {
  readonly id: string;
  readonly reason: string;
}

function acknowledgmentsUnder(scope: IConstruct): { path: string; acknowledgment: Acknowledgment }[] {
  return scope.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      // Each entry is `{ [rule id]: reason }`.
      .flatMap((entry) => Object.entries(entry.data as Record<string, string>).map(([id, reason]): Acknowledgment => ({ id, reason })))
      .map((acknowledgment) => ({ path: construct.node.path, acknowledgment })),
  );
}

describe('cdk-nag AwsSolutions checks', () => {
  afterAll(disposeTestApps);

  it('find nothing unacknowledged in the stack as deployed: production, a trial, with and without alarm mail and the account log role', () => {
    const app = testApp({ bundle: false });
    new SidetailStack(app, 'Production', { dashboardDirectory: FIXTURE_DASHBOARD, alarmEmail: 'ops@example.com' });
    new SidetailStack(app, 'Trial', {
      dashboardDirectory: FIXTURE_DASHBOARD,
      removalPolicy: RemovalPolicy.DESTROY,
      createApiGatewayLogRole: false,
    });

    expect(nagFindings(app)).toEqual([]);
  });

  it('report a new finding: an unencrypted-in-transit bucket added to the stack fails', () => {
    const app = testApp({ bundle: false });
    const stack = new SidetailStack(app, 'Sidetail', { dashboardDirectory: FIXTURE_DASHBOARD });
    new s3.Bucket(stack, 'Careless');

    expect(nagFindings(app)).toEqual(expect.arrayContaining([expect.stringMatching(/^AwsSolutions-S10 at Sidetail\/Careless\//)]));
  });

  it('are acknowledged only on single resources, never on the stack, each with a reason a reviewer can weigh', () => {
    const app = testApp({ bundle: false });
    const stack = new SidetailStack(app, 'Sidetail', { dashboardDirectory: FIXTURE_DASHBOARD, alarmEmail: 'ops@example.com' });
    const acknowledged = acknowledgmentsUnder(stack);

    expect(acknowledged.length).toBeGreaterThan(0);
    for (const { path, acknowledgment } of acknowledged) {
      expect(path).not.toBe(stack.node.path);
      expect(acknowledgment.id).toMatch(/^(\w+::)?AwsSolutions-[A-Z0-9]+(\[.+\])?$/);
      expect(acknowledgment.reason.length, `${acknowledgment.id} at ${path}`).toBeGreaterThan(60);
    }
    // IAM wildcards are acknowledged finding by finding, never the rule as a whole.
    expect(acknowledged.filter(({ acknowledgment }) => /AwsSolutions-IAM5$/.test(acknowledgment.id))).toEqual([]);
  });
});
