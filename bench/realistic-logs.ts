/**
 * Realistic container output for the cost and speed benches, deterministic from a seed: a mix of
 * access logs (a long tail of client IPs, methods, paths with ids, status codes, sizes, user
 * agents, latencies), JSON application logs (levels, loggers, message templates with varied
 * values, request ids as UUIDs, user ids) and multi-line stack traces in Java and Node shapes —
 * what compression and batching meet in practice, not one repeated line.
 *
 * Every line carries its number, 1, 2, 3, … in output order (`seq=N` at the end of a text line,
 * `"seq":N` in a JSON line), so a viewer can check that each line arrived exactly once
 * (`lineNumber`). Bytes are counted as the lines' text: UTF-8, without the newline.
 */
import { seededRandom, type Random } from '../infra/local/seeded-random';

export interface GeneratedLogs {
  /** The container's output: every line followed by "\n". */
  readonly output: Buffer;
  readonly lines: number;
  /** The UTF-8 bytes of the lines' text, newlines not counted. */
  readonly textBytes: number;
}

export interface GenerateOptions {
  readonly seed: number;
  /** Stop at the first line that reaches this many text bytes… */
  readonly targetBytes?: number;
  /** …or at exactly this many lines (a stack trace is cut short to fit). */
  readonly lines?: number;
  /** The first line's timestamp (epoch ms). Default 2026-12-01T14:00:00Z. */
  readonly startMs?: number;
}

export class InvalidGenerateOptionsError extends Error {
  override readonly name = 'InvalidGenerateOptionsError';
}

/** The number a generated line carries, or undefined for a line that is not one of them. */
export function lineNumber(text: string): number | undefined {
  const match = /(?:seq=|"seq":)(\d+)}?$/.exec(text);
  return match ? Number(match[1]) : undefined;
}

export function generateLogs(options: GenerateOptions): GeneratedLogs {
  const { targetBytes, lines: lineLimit } = options;
  if ((targetBytes === undefined) === (lineLimit === undefined)) throw new InvalidGenerateOptionsError('give exactly one of targetBytes and lines');
  const limit = targetBytes ?? lineLimit!;
  if (!(Number.isSafeInteger(limit) && limit > 0)) throw new InvalidGenerateOptionsError(`the limit must be a positive integer, got ${limit}`);

  const random = seededRandom(options.seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const ips = Array.from({ length: 2_000 }, () => ipv4(random));
  const users = Array.from({ length: 5_000 }, () => 100_000 + Math.floor(random() * 900_000));
  let clockMs = options.startMs ?? Date.parse('2026-12-01T14:00:00Z');

  const chunks: string[] = [];
  let n = 0;
  let textBytes = 0;
  const full = () => (targetBytes !== undefined ? textBytes >= targetBytes : n >= lineLimit!);
  const emit = (text: string) => {
    n += 1;
    const line = text.endsWith('}') ? `${text.slice(0, -1)},"seq":${n}}` : `${text} seq=${n}`;
    textBytes += Buffer.byteLength(line, 'utf8');
    chunks.push(line, '\n');
  };

  while (!full()) {
    clockMs += Math.floor(random() * 40);
    const kind = random();
    if (kind < 0.55) emit(accessLine(random, pick, zipf(random, ips), clockMs));
    else if (kind < 0.94) emit(appLine(random, pick, zipf(random, users), clockMs));
    else for (const line of random() < 0.6 ? javaTrace(random, pick, clockMs) : nodeTrace(random, pick, clockMs)) {
      if (full()) break;
      emit(line);
    }
  }
  return { output: Buffer.from(chunks.join(''), 'utf8'), lines: n, textBytes };
}

/** Most traffic from a few clients, a long tail from the rest. */
function zipf<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(items.length * random() ** 3)]!;
}

function ipv4(random: Random): string {
  const octet = () => Math.floor(random() * 254) + 1;
  return random() < 0.4 ? `10.${octet()}.${octet()}.${octet()}` : `${octet()}.${octet()}.${octet()}.${octet()}`;
}

function hex(random: Random, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += Math.floor(random() * 16).toString(16);
  return out;
}

function uuid(random: Random): string {
  const h = hex(random, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${'89ab'[Math.floor(random() * 4)]}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const METHODS = ['GET', 'GET', 'GET', 'GET', 'GET', 'GET', 'GET', 'POST', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
const STATUSES = [200, 200, 200, 200, 200, 200, 200, 200, 200, 201, 204, 301, 304, 304, 400, 401, 403, 404, 404, 409, 422, 429, 500, 502, 503] as const;
const USER_AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
  'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
  'curl/8.11.0',
  'python-requests/2.32.3',
  'Go-http-client/2.0',
  'kube-probe/1.31',
  'Googlebot/2.1 (+http://www.google.com/bot.html)',
  'okhttp/4.12.0',
  'Apache-HttpClient/5.3.1 (Java/21.0.5)',
];
const WORDS = ['shoes', 'laptop', 'coffee', 'desk', 'chair', 'lamp', 'jacket', 'phone', 'headphones', 'backpack', 'bottle', 'monitor', 'keyboard', 'tent', 'bike'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function accessLine(random: Random, pick: <T>(items: readonly T[]) => T, ip: string, ms: number): string {
  const id = () => Math.floor(random() * 1_000_000);
  const path = pick([
    () => `/api/v1/users/${id()}`,
    () => `/api/v1/users/${id()}/orders?limit=${pick([10, 20, 50])}`,
    () => `/api/v1/orders/${id()}/items`,
    () => `/api/v2/products/${id()}`,
    () => `/api/v2/search?q=${pick(WORDS)}&page=${1 + Math.floor(random() * 9)}`,
    () => `/static/js/app.${hex(random, 8)}.js`,
    () => `/static/css/main.${hex(random, 8)}.css`,
    () => `/images/products/${id()}_${pick(['thumb', 'large', 'zoom'])}.webp`,
    () => '/healthz',
    () => '/metrics',
    () => `/api/v1/carts/${uuid(random)}`,
    () => `/api/v1/sessions`,
  ])();
  const status = pick(STATUSES);
  const size = status === 204 || status === 304 ? 0 : Math.floor(200 + random() ** 2 * 48_000);
  const d = new Date(ms);
  const stamp = `${String(d.getUTCDate()).padStart(2, '0')}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${d.toISOString().slice(11, 19)} +0000`;
  const referer = random() < 0.7 ? '-' : `https://shop.example.com/${pick(WORDS)}`;
  const latency = (random() ** 3 * 2.5 + 0.001).toFixed(3);
  return `${ip} - - [${stamp}] "${pick(METHODS)} ${path} HTTP/1.1" ${status} ${size} "${referer}" "${pick(USER_AGENTS)}" rt=${latency} upstream=10.0.${Math.floor(random() * 8)}.${Math.floor(random() * 250) + 2}:8080`;
}

const LOGGERS = [
  'com.acme.orders.OrderService',
  'com.acme.payments.PaymentGateway',
  'com.acme.inventory.StockReservations',
  'com.acme.auth.SessionFilter',
  'com.acme.catalog.ProductRepository',
  'com.acme.notifications.EmailSender',
  'org.hibernate.SQL',
  'io.netty.channel.DefaultChannelPipeline',
];

function appLine(random: Random, pick: <T>(items: readonly T[]) => T, userId: number, ms: number): string {
  const level = pick(['INFO', 'INFO', 'INFO', 'INFO', 'INFO', 'DEBUG', 'DEBUG', 'WARN', 'ERROR'] as const);
  const amount = (random() * 400 + 1).toFixed(2);
  const message = pick([
    () => ({ msg: 'order placed', orderId: `ord_${hex(random, 12)}`, items: 1 + Math.floor(random() * 6), totalEur: Number(amount) }),
    () => ({ msg: 'payment authorized', provider: pick(['stripe', 'adyen', 'paypal']), amountEur: Number(amount), attempt: 1 }),
    () => ({ msg: 'payment declined', provider: pick(['stripe', 'adyen']), reason: pick(['insufficient_funds', 'card_expired', 'do_not_honor']) }),
    () => ({ msg: 'stock reserved', sku: `SKU-${10_000 + Math.floor(random() * 90_000)}`, quantity: 1 + Math.floor(random() * 3), warehouse: pick(['FRA1', 'AMS2', 'DUB1']) }),
    () => ({ msg: 'session refreshed', expiresInS: 3600, mfa: random() < 0.3 }),
    () => ({ msg: 'cache miss', cache: pick(['product', 'price', 'user-profile']), key: `${pick(['p', 'u', 'c'])}:${Math.floor(random() * 1e6)}` }),
    () => ({ msg: 'slow query', table: pick(['orders', 'order_items', 'products', 'users']), rows: Math.floor(random() * 5000), durationMs: 200 + Math.floor(random() * 3000) }),
    () => ({ msg: 'email queued', template: pick(['order-confirmation', 'password-reset', 'shipping-update']), queueDepth: Math.floor(random() * 40) }),
    () => ({ msg: 'retrying request', upstream: pick(['inventory-svc', 'pricing-svc', 'tax-svc']), attempt: 1 + Math.floor(random() * 3), backoffMs: pick([100, 200, 400, 800]) }),
  ])();
  return JSON.stringify({
    time: new Date(ms).toISOString(),
    level,
    logger: pick(LOGGERS),
    thread: `http-nio-8080-exec-${1 + Math.floor(random() * 32)}`,
    requestId: uuid(random),
    userId: `u_${userId}`,
    ...message,
    durationMs: Math.floor(random() ** 2 * 900),
  });
}

function javaTrace(random: Random, pick: <T>(items: readonly T[]) => T, ms: number): string[] {
  const stamp = new Date(ms).toISOString().replace('T', ' ').slice(0, 23);
  const exception = pick([
    `java.lang.IllegalStateException: Reservation ${uuid(random)} already released`,
    `java.sql.SQLTransientConnectionException: HikariPool-1 - Connection is not available, request timed out after ${30000 + Math.floor(random() * 1000)}ms.`,
    `java.lang.NullPointerException: Cannot invoke "com.acme.orders.Address.getCountry()" because "address" is null`,
    `org.springframework.web.client.HttpServerErrorException$BadGateway: 502 Bad Gateway: "upstream connect error"`,
  ]);
  const frames = [
    'com.acme.orders.OrderService.placeOrder(OrderService.java:%d)',
    'com.acme.orders.OrderController.create(OrderController.java:%d)',
    'com.acme.inventory.StockReservations.reserve(StockReservations.java:%d)',
    'com.zaxxer.hikari.pool.HikariPool.getConnection(HikariPool.java:%d)',
    'org.springframework.aop.framework.ReflectiveMethodInvocation.proceed(ReflectiveMethodInvocation.java:%d)',
    'org.springframework.transaction.interceptor.TransactionInterceptor.invoke(TransactionInterceptor.java:%d)',
    'org.springframework.web.servlet.FrameworkServlet.service(FrameworkServlet.java:%d)',
    'jakarta.servlet.http.HttpServlet.service(HttpServlet.java:%d)',
    'org.apache.catalina.core.ApplicationFilterChain.doFilter(ApplicationFilterChain.java:%d)',
    'org.apache.tomcat.util.net.NioEndpoint$SocketProcessor.doRun(NioEndpoint.java:%d)',
    'java.base/java.lang.Thread.run(Thread.java:%d)',
  ];
  const depth = 6 + Math.floor(random() * 14);
  const lines = [`${stamp} ERROR 1 --- [http-nio-8080-exec-${1 + Math.floor(random() * 32)}] c.a.o.OrderController : Request failed requestId=${uuid(random)}`, exception];
  for (let i = 0; i < depth; i++) lines.push(`\tat ${frames[Math.min(frames.length - 1, Math.floor((i / depth) * frames.length))]!.replace('%d', String(20 + Math.floor(random() * 900)))}`);
  if (random() < 0.5) {
    lines.push(`Caused by: java.net.SocketTimeoutException: Read timed out after ${1000 + Math.floor(random() * 9000)} ms`);
    lines.push(`\tat java.base/sun.nio.ch.NioSocketImpl.timedRead(NioSocketImpl.java:${200 + Math.floor(random() * 200)})`);
    lines.push(`\t... ${10 + Math.floor(random() * 40)} more`);
  }
  return lines;
}

function nodeTrace(random: Random, pick: <T>(items: readonly T[]) => T, ms: number): string[] {
  const error = pick([
    `Error: connect ECONNREFUSED 10.0.${Math.floor(random() * 8)}.${Math.floor(random() * 250) + 2}:5432`,
    `TypeError: Cannot read properties of undefined (reading '${pick(['id', 'items', 'price', 'email'])}')`,
    `Error: Request failed with status code ${pick([500, 502, 503, 504])}`,
  ]);
  const frames = [
    `    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:${1500 + Math.floor(random() * 100)}:16)`,
    `    at async Pool.connect (/app/node_modules/pg-pool/index.js:${40 + Math.floor(random() * 10)}:11)`,
    `    at async CartService.load (/app/dist/services/cart-service.js:${10 + Math.floor(random() * 200)}:23)`,
    `    at async /app/dist/routes/carts.js:${10 + Math.floor(random() * 80)}:20`,
    `    at async Layer.handle [as handle_request] (/app/node_modules/express/lib/router/layer.js:95:5)`,
    `    at process.processTicksAndRejections (node:internal/process/task_queues:${90 + Math.floor(random() * 10)}:5)`,
  ];
  const head = `${new Date(ms).toISOString()} error: unhandled error in request ${uuid(random)} (user u_${100_000 + Math.floor(random() * 900_000)})`;
  return [head, error, ...frames.slice(0, 3 + Math.floor(random() * 4))];
}
