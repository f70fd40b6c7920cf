/**
 * The dashboard on the web: its built files in a private S3 bucket, served over HTTPS only by
 * CloudFront through Origin Access Control, with a strict Content-Security-Policy, a single-page
 * fallback, and a `config.json` that tells it the stage's WebSocket URL — resolved at deploy time,
 * so one build serves every stage. Each deploy replaces the files and invalidates the cache.
 */
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { DefaultStackSynthesizer, Duration, RemovalPolicy, Stack, Validations, type CfnElement } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { findInlineScripts } from './inline-scripts';
import { InvalidPropsError } from './invalid-props-error';

/** Where the dashboard reads its settings (web/src/config/runtime-config.ts: `{ wsUrl }`). */
export const CONFIG_FILE = 'config.json';

/** Where vite puts the content-hashed files it builds (its default `build.assetsDir`). */
export const ASSETS_DIRECTORY = 'assets';

export interface DashboardSiteProps {
  /** Absolute path of the built dashboard (`npm run build:web` → web/dist); it must hold index.html. */
  readonly assetDirectory: string;
  /** The stage's `wss://…/<stage>` URL: written to config.json and the only socket the CSP allows. */
  readonly webSocketUrl: string;
  /**
   * What happens to the bucket and its files when the site leaves the stack. DESTROY deletes the
   * files (the deployment's `retainOnDelete: false`) and then the bucket; both are rebuilt from
   * the repository by any deploy. @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /** How long the deployment function's logs are kept. @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  /** Edge locations to serve from. @default cloudfront.PriceClass.PRICE_CLASS_100 (North America, Europe: the cheapest) */
  readonly priceClass?: cloudfront.PriceClass;
}

export class DashboardSite extends Construct {
  public readonly bucket: s3.Bucket;
  public readonly distribution: cloudfront.Distribution;
  /** The security headers, for every path but the hashed assets: with `Cache-Control: no-cache`. */
  public readonly responseHeadersPolicy: cloudfront.ResponseHeadersPolicy;
  /** The same security headers for `assets/*`, cached by browsers for a year. */
  public readonly assetHeadersPolicy: cloudfront.ResponseHeadersPolicy;
  public readonly deployment: s3deploy.BucketDeployment;
  /** The deployment function's own role (no managed policy). */
  public readonly deploymentRole: iam.Role;
  /** `https://<distribution>.cloudfront.net` — open it with `#token=<viewer token>`. */
  public readonly url: string;
  /** The Content-Security-Policy header's value (with the stage URL as a token until deploy). */
  public readonly contentSecurityPolicy: string;

  constructor(scope: Construct, id: string, props: DashboardSiteProps) {
    super(scope, id);
    validate(props);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;

    this.bucket = new s3.Bucket(this, 'Bucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy,
    });

    this.contentSecurityPolicy = contentSecurityPolicy(props.webSocketUrl);
    const securityHeadersBehavior: cloudfront.ResponseSecurityHeadersBehavior = {
      contentSecurityPolicy: { contentSecurityPolicy: this.contentSecurityPolicy, override: true },
      strictTransportSecurity: { accessControlMaxAge: Duration.days(365), includeSubdomains: true, override: true },
      contentTypeOptions: { override: true },
      frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
      // The viewer token is in the URL's fragment, which browsers never send; this keeps even the path private.
      referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER, override: true },
    };
    // Browsers revalidate index.html and config.json on every load: a deploy prunes the hashed
    // assets an older index.html names, so a stale one would load nothing.
    this.responseHeadersPolicy = new cloudfront.ResponseHeadersPolicy(this, 'Headers', {
      comment: 'Sidetail dashboard: strict CSP (no inline script, one WebSocket), HSTS, nosniff, no referrer; revalidate',
      securityHeadersBehavior,
      customHeadersBehavior: { customHeaders: [{ header: 'Cache-Control', value: 'no-cache', override: true }] },
    });
    // vite names every file under assets/ by its content hash: it never changes under its name.
    this.assetHeadersPolicy = new cloudfront.ResponseHeadersPolicy(this, 'AssetHeaders', {
      comment: 'Sidetail dashboard assets (content-hashed names): the same headers, cached for a year',
      securityHeadersBehavior,
      customHeadersBehavior: { customHeaders: [{ header: 'Cache-Control', value: 'public, max-age=31536000, immutable', override: true }] },
    });

    const origin = origins.S3BucketOrigin.withOriginAccessControl(this.bucket);
    const behavior = (responseHeadersPolicy: cloudfront.IResponseHeadersPolicy): cloudfront.BehaviorOptions => ({
      origin,
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
      cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
      responseHeadersPolicy,
      compress: true,
    });
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'Sidetail dashboard',
      defaultRootObject: 'index.html',
      priceClass: props.priceClass ?? cloudfront.PriceClass.PRICE_CLASS_100,
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      defaultBehavior: behavior(this.responseHeadersPolicy),
      additionalBehaviors: { [`${ASSETS_DIRECTORY}/*`]: behavior(this.assetHeadersPolicy) },
      // A path that is no file (S3 answers 403 through OAC, without ListBucket) is the app's.
      errorResponses: [403, 404].map((httpStatus) => ({
        httpStatus,
        responseHttpStatus: 200,
        responsePagePath: '/index.html',
        ttl: Duration.seconds(0),
      })),
    });

    this.deploymentRole = new iam.Role(this, 'DeploymentRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Sidetail dashboard deployment: copies the build into the bucket, invalidates CloudFront',
    });
    const deploymentLogs = new logs.LogGroup(this, 'DeploymentLogs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    deploymentLogs.grantWrite(this.deploymentRole);

    this.deployment = new s3deploy.BucketDeployment(this, 'Deployment', {
      sources: [s3deploy.Source.asset(props.assetDirectory), s3deploy.Source.jsonData(CONFIG_FILE, { wsUrl: props.webSocketUrl })],
      destinationBucket: this.bucket,
      distribution: this.distribution,
      distributionPaths: ['/*'],
      prune: true,
      retainOnDelete: removalPolicy !== RemovalPolicy.DESTROY,
      role: this.deploymentRole,
      logGroup: deploymentLogs,
      memoryLimit: 256,
    });

    this.url = `https://${this.distribution.distributionDomainName}`;
    this.acknowledgeFindings();
  }

  /** cdk-nag's AwsSolutions findings that do not apply to a public, static, token-free site. */
  private acknowledgeFindings(): void {
    const stack = Stack.of(this);
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'Only CloudFront reads this bucket (Origin Access Control) and only the deployment writes it: its server access log would record nothing but those; who opened the dashboard is in the WebSocket stage access logs.',
    });
    const distribution = Validations.of(this.distribution);
    distribution.acknowledge({
      id: 'AwsSolutions-CFR1',
      reason: 'Sidetail is used wherever its operators are; a geo restriction would only lock them out. Access is controlled by viewer credentials at $connect.',
    });
    distribution.acknowledge({
      id: 'AwsSolutions-CFR2',
      reason:
        'The distribution serves a few static files, GET/HEAD only, from a private origin; nothing a WAF web ACL would protect (and it would cost more than the product). The API it talks to is authorized at $connect and throttled per route.',
    });
    distribution.acknowledge({
      id: 'AwsSolutions-CFR3',
      reason:
        'Standard logs of static-file requests would add a log bucket for no security value: the dashboard holds no data, and every connection it makes is in the WebSocket stage access logs.',
    });
    distribution.acknowledge({
      id: 'AwsSolutions-CFR4',
      reason:
        'The distribution uses the default *.cloudfront.net certificate, for which CloudFront fixes the minimum TLS version; a custom domain with its own certificate and TLSv1.2_2021 is the way to set it.',
    });

    // The deployment's policy is what BucketDeployment grants itself.
    const role = Validations.of(this.deploymentRole);
    const bucketArn = `<${stack.getLogicalId(this.bucket.node.defaultChild as CfnElement)}.Arn>`;
    const assetBucket = `cdk-${DefaultStackSynthesizer.DEFAULT_QUALIFIER}-assets-<AWS::AccountId>-<AWS::Region>`;
    const grants: readonly [string, string][] = [
      ['Action::s3:GetBucket*', 'read the CDK asset bucket (the build as a zip) and the site bucket'],
      ['Action::s3:GetObject*', 'read the asset zip and the files in the site bucket (to prune them)'],
      ['Action::s3:List*', 'list the site bucket, to delete files a new build no longer has (prune)'],
      ['Action::s3:Abort*', 'abort its own multipart uploads into the site bucket'],
      ['Action::s3:DeleteObject*', 'delete files of an older build from the site bucket (prune, and removalPolicy DESTROY)'],
      [`Resource::${bucketArn}/*`, 'write every file of the build: their names are only known at deploy time'],
      [`Resource::arn:<AWS::Partition>:s3:::${assetBucket}/*`, 'read the asset zip, whose key is a content hash known only when the asset is published'],
      ['Resource::*', 'CreateInvalidation and GetInvalidation, which BucketDeployment grants on every distribution; it invalidates only the one it is given'],
    ];
    for (const [finding, what] of grants) {
      role.acknowledge({ id: `AwsSolutions-IAM5[${finding}]`, reason: `The dashboard deployment (CDK's BucketDeployment, whose grant this is) must ${what}.` });
    }
    const handler = stack.node.children.find((child) => child.node.id.startsWith('Custom::CDKBucketDeployment'));
    if (handler) {
      Validations.of(handler).acknowledge({
        id: 'AwsSolutions-L1',
        reason: "CDK's BucketDeployment handler: its runtime and code come with aws-cdk-lib and move with it; upgrading aws-cdk-lib upgrades them.",
      });
    }
  }
}

/**
 * Everything from this origin, nothing inline, one WebSocket. `img-src data:` is the inline SVG
 * favicon; styles are files too (Solid sets element styles through the CSSOM, which CSP allows).
 * The filter's regex worker is a bundled file of this origin too: with no worker-src, workers
 * fall back to script-src 'self' (a blob: worker would be refused).
 */
export function contentSecurityPolicy(webSocketUrl: string): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src 'self' ${webSocketUrl}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    'upgrade-insecure-requests',
  ].join('; ');
}

function validate(props: DashboardSiteProps): void {
  if (!isAbsolute(props.assetDirectory)) {
    throw new InvalidPropsError('DashboardSite', `assetDirectory must be an absolute path, got "${props.assetDirectory}"`);
  }
  const index = join(props.assetDirectory, 'index.html');
  if (!existsSync(index)) {
    throw new InvalidPropsError('DashboardSite', `${index} does not exist: build the dashboard first (npm run build:web)`);
  }
  const inline = findInlineScripts(readFileSync(index, 'utf8'));
  if (inline.length > 0) {
    throw new InvalidPropsError('DashboardSite', `${index} has ${inline.join(', ')}: the Content-Security-Policy (script-src 'self') would block it`);
  }
}
