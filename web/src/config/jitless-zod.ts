/**
 * zod compiles object schemas with `new Function` where it may, and probes for that on the first
 * parse. The dashboard's Content-Security-Policy (script-src 'self', no 'unsafe-eval';
 * infra/constructs/dashboard-site.ts) forbids eval, so the probe is a reported violation. jitless:
 * no probe, no eval. main.tsx imports this first, before any schema parses.
 */
import * as z from 'zod/mini';

z.config({ jitless: true });
