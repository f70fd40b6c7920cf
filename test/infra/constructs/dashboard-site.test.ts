import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Aws, Fn, RemovalPolicy, Stack, type App, type CfnElement } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONFIG_FILE, DashboardSite } from '../../../infra/constructs/dashboard-site';
import { parseRuntimeConfig } from '../../../web/src/config/runtime-config';
import { InvalidPropsError } from '../../../infra/constructs/invalid-props-error';
import { disposeTestApps, FIXTURE_DASHBOARD, unbundledStack } from '../fixtures/test-app';

const WSS = 'wss://abc123.execute-api.eu-west-1.amazonaws.com/live';

describe('DashboardSite', () => {
  let stack: Stack;
  let site: DashboardSite;
  let template: Template;

  beforeAll(() => {
    stack = unbundledStack();
    site = new DashboardSite(stack, 'Site', { assetDirectory: FIXTURE_DASHBOARD, webSocketUrl: WSS });
    template = Template.fromStack(stack);
  });

  afterAll(disposeTestApps);

  const id = (construct: { node: { defaultChild?: unknown } }) => stack.getLogicalId(construct.node.defaultChild as CfnElement);
  const headers = () =>
    (template.toJSON().Resources[id(site.responseHeadersPolicy)].Properties.ResponseHeadersPolicyConfig as {
      SecurityHeadersConfig: Record<string, Record<string, unknown>>;
    }).SecurityHeadersConfig;
  const csp = () => String(headers().ContentSecurityPolicy!.ContentSecurityPolicy);
  const directive = (name: string) => csp().split('; ').find((d) => d === name || d.startsWith(`${name} `));

  describe('bucket', () => {
    it('is private, encrypted, owner-enforced and refuses requests without TLS', () => {
      template.hasResourceProperties('AWS::S3::Bucket', {
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
        WebsiteConfiguration: Match.absent(),
      });
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Action: 's3:*', Principal: { AWS: '*' }, Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    });

    it('may be read by this distribution only, through Origin Access Control', () => {
      template.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
        OriginAccessControlConfig: { OriginAccessControlOriginType: 's3', SigningBehavior: 'always', SigningProtocol: 'sigv4' },
      });
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Allow',
              Action: 's3:GetObject',
              Principal: { Service: 'cloudfront.amazonaws.com' },
              Condition: { StringEquals: { 'AWS:SourceArn': Match.anyValue() } },
            }),
          ]),
        },
      });
      const [distribution] = Object.values(template.findResources('AWS::CloudFront::Distribution'));
      const [origin] = distribution!.Properties.DistributionConfig.Origins as { S3OriginConfig: { OriginAccessIdentity: string }; OriginAccessControlId: unknown }[];
      expect(origin!.S3OriginConfig.OriginAccessIdentity).toBe('');
      expect(origin!.OriginAccessControlId).toBeDefined();
    });

    it('is retained with its files by default, and deleted with them under removalPolicy DESTROY', () => {
      template.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Retain' });
      template.hasResourceProperties('Custom::CDKBucketDeployment', { RetainOnDelete: true });

      const scope = unbundledStack();
      new DashboardSite(scope, 'Site', { assetDirectory: FIXTURE_DASHBOARD, webSocketUrl: WSS, removalPolicy: RemovalPolicy.DESTROY });
      const destroyed = Template.fromStack(scope);
      destroyed.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Delete' });
      destroyed.hasResourceProperties('Custom::CDKBucketDeployment', { RetainOnDelete: false });
    });
  });

  describe('distribution', () => {
    it('redirects HTTP to HTTPS and serves only GET and HEAD, compressed, with the security headers', () => {
      template.hasResourceProperties('AWS::CloudFront::Distribution', {
        DistributionConfig: Match.objectLike({
          DefaultRootObject: 'index.html',
          DefaultCacheBehavior: Match.objectLike({
            ViewerProtocolPolicy: 'redirect-to-https',
            AllowedMethods: ['GET', 'HEAD'],
            Compress: true,
            ResponseHeadersPolicyId: { Ref: id(site.responseHeadersPolicy) },
          }),
        }),
      });
    });

    it('answers a path that is no file with index.html (single-page fallback), for 403 and 404 alike', () => {
      template.hasResourceProperties('AWS::CloudFront::Distribution', {
        DistributionConfig: Match.objectLike({
          CustomErrorResponses: [
            { ErrorCode: 403, ResponseCode: 200, ResponsePagePath: '/index.html', ErrorCachingMinTTL: 0 },
            { ErrorCode: 404, ResponseCode: 200, ResponsePagePath: '/index.html', ErrorCachingMinTTL: 0 },
          ],
        }),
      });
    });

    it('lets browsers cache the content-hashed assets/ for a year, and revalidate everything else (index.html, config.json)', () => {
      const [distribution] = Object.values(template.findResources('AWS::CloudFront::Distribution'));
      const config = distribution!.Properties.DistributionConfig;
      const policies = template.toJSON().Resources;
      const cacheControlOf = (policyRef: { Ref: string }) =>
        policies[policyRef.Ref].Properties.ResponseHeadersPolicyConfig.CustomHeadersConfig.Items as { Header: string; Value: string }[];
      const [assets, ...others] = config.CacheBehaviors as { PathPattern: string; ResponseHeadersPolicyId: { Ref: string }; ViewerProtocolPolicy: string }[];

      expect(others).toEqual([]);
      expect(assets).toMatchObject({ PathPattern: 'assets/*', ViewerProtocolPolicy: 'redirect-to-https' });
      expect(cacheControlOf(assets!.ResponseHeadersPolicyId)).toEqual([{ Header: 'Cache-Control', Value: 'public, max-age=31536000, immutable', Override: true }]);
      expect(cacheControlOf(config.DefaultCacheBehavior.ResponseHeadersPolicyId)).toEqual([{ Header: 'Cache-Control', Value: 'no-cache', Override: true }]);
      // The assets get the same security headers as the pages.
      expect(policies[assets!.ResponseHeadersPolicyId.Ref].Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig).toEqual(headers());
    });

    it('exposes its https:// URL', () => {
      expect(stack.resolve(site.url)).toEqual({ 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [id(site.distribution), 'DomainName'] }]] });
    });
  });

  describe('response headers', () => {
    it('allow scripts, styles and connections from the site itself and the one WebSocket URL, and nothing inline', () => {
      expect(directive('default-src')).toBe("default-src 'self'");
      expect(directive('script-src')).toBe("script-src 'self'");
      expect(directive('style-src')).toBe("style-src 'self'");
      expect(directive('connect-src')).toBe(`connect-src 'self' ${WSS}`);
      expect(csp()).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
    });

    it('forbid plugins, framing, <base> and form posts', () => {
      expect([directive('object-src'), directive('frame-ancestors'), directive('base-uri'), directive('form-action')]).toEqual([
        "object-src 'none'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "form-action 'none'",
      ]);
    });

    it('send HSTS for a year, nosniff, DENY framing and no referrer, overriding whatever the origin says', () => {
      expect(headers()).toMatchObject({
        ContentSecurityPolicy: { Override: true },
        StrictTransportSecurity: { AccessControlMaxAgeSec: 31_536_000, IncludeSubdomains: true, Override: true },
        ContentTypeOptions: { Override: true },
        FrameOptions: { FrameOption: 'DENY', Override: true },
        ReferrerPolicy: { ReferrerPolicy: 'no-referrer', Override: true },
      });
    });
  });

  describe('deployment', () => {
    it('copies the build and a config.json carrying the stage URL as `wsUrl`, prunes old files and invalidates everything', () => {
      // The stack's URL is a token until deploy: config.json holds a marker the deployment replaces.
      const scope = unbundledStack();
      const url = Fn.join('', ['wss://', Aws.URL_SUFFIX, '/live']);
      const tokenSite = new DashboardSite(scope, 'Site', { assetDirectory: FIXTURE_DASHBOARD, webSocketUrl: url });
      const [deployment] = Object.values(Template.fromStack(scope).findResources('Custom::CDKBucketDeployment'));
      const props = deployment!.Properties;
      const staged = (key: string) => join((scope.node.root as App).outdir, `asset.${key.replace(/\.zip$/, '')}`);
      const [build, config] = props.SourceObjectKeys as string[];

      expect(props).toMatchObject({
        DestinationBucketName: { Ref: scope.getLogicalId(tokenSite.bucket.node.defaultChild as CfnElement) },
        DistributionId: { Ref: scope.getLogicalId(tokenSite.distribution.node.defaultChild as CfnElement) },
        DistributionPaths: ['/*'],
        Prune: true,
        SourceMarkers: [{}, { '<<marker:0xbaba:0>>': scope.resolve(url) }],
      });
      expect(readdirSync(staged(build!))).toEqual(expect.arrayContaining(['index.html', 'assets']));
      const written = readFileSync(join(staged(config!), CONFIG_FILE), 'utf8');
      expect(JSON.parse(written)).toEqual({ wsUrl: '<<marker:0xbaba:0>>' });
      // What the dashboard reads once the deployment has put the deployed URL in the marker's place.
      expect(parseRuntimeConfig(JSON.parse(written.replace('<<marker:0xbaba:0>>', WSS)))).toEqual({ wsUrl: WSS });
    });

    it('runs on a role of its own without managed policies, writing its own log group', () => {
      const roleId = id(site.deploymentRole);
      const role = template.toJSON().Resources[roleId].Properties;
      const [policy] = Object.values(template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: roleId }] } }));

      expect(role.ManagedPolicyArns).toBeUndefined();
      expect(policy!.Properties.PolicyDocument.Statement).toEqual(
        expect.arrayContaining([expect.objectContaining({ Action: ['logs:CreateLogStream', 'logs:PutLogEvents'] })]),
      );
    });
  });

  describe('rejects a build it cannot serve', () => {
    const dirs: string[] = [];
    afterAll(() => {
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    });
    const buildWith = (html: string | undefined) => {
      const dir = mkdtempSync(join(tmpdir(), 'sidetail-dashboard-'));
      dirs.push(dir);
      if (html !== undefined) writeFileSync(join(dir, 'index.html'), html);
      return dir;
    };

    it('throws InvalidPropsError saying to run `npm run build:web` when there is no index.html', () => {
      const build = () => new DashboardSite(unbundledStack(), 'Site', { assetDirectory: buildWith(undefined), webSocketUrl: WSS });

      expect(build).toThrow(InvalidPropsError);
      expect(build).toThrow(/npm run build:web/);
    });

    it('throws InvalidPropsError for an index.html with an inline script, which the CSP would block', () => {
      const html = '<html><head><script>window.x = 1</script><script type="module" src="./a.js"></script></head></html>';

      expect(() => new DashboardSite(unbundledStack(), 'Site', { assetDirectory: buildWith(html), webSocketUrl: WSS })).toThrow(/inline <script>/);
    });

    it('throws InvalidPropsError for a relative assetDirectory', () => {
      expect(() => new DashboardSite(unbundledStack(), 'Site', { assetDirectory: 'web/dist', webSocketUrl: WSS })).toThrow(InvalidPropsError);
    });
  });
});
