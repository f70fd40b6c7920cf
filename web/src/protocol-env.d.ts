/**
 * protocol/codec.ts feature-detects Node's Buffer (`typeof Buffer !== 'undefined'`) and falls
 * back to TextEncoder in the browser. The dashboard compiles without Node's types, so declare
 * just the part that file touches; at run time it is undefined in the browser.
 */
declare const Buffer: { byteLength(text: string, encoding: 'utf8'): number };
