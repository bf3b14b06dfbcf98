/**
 * Builds the heads the proxy sends: the upstream request (ingress-nginx's header set, reference
 * §3.2: client Host kept, X-Forwarded-* rebuilt from what the proxy sees, never trusted from the
 * client) and the client response (hop-by-hop headers replaced by our own Connection).
 */
import { randomFillSync } from 'node:crypto';
import type { RequestHead, ResponseHead } from './http-head.js';

/** Never forwarded: hop-by-hop, or rebuilt by the proxy (httpoxy `Proxy` dropped too). */
const requestDrop = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'upgrade', 'proxy', 'x-forwarded-for', 'x-forwarded-host', 'x-forwarded-port', 'x-forwarded-proto', 'x-forwarded-scheme', 'x-scheme', 'x-real-ip', 'x-request-id', 'x-original-forwarded-for']);
const responseDrop = new Set(['connection', 'keep-alive', 'proxy-connection', 'upgrade']);
/** Lengths of the names in requestDrop: most forwarded names (Host, Accept…) are kept without lower-casing them. */
const requestDropLength: boolean[] = [];
for (const name of requestDrop) requestDropLength[name.length] = true;

export interface ForwardContext {
  target: string;
  remoteAddress: string;
  proto: 'http' | 'https';
  localPort: number;
  requestId: string;
  /** Talk HTTP/1.0 upstream (the client did): no chunked response, no keep-alive. */
  http10: boolean;
}

export function buildUpstreamHead(req: RequestHead, ctx: ForwardContext): string {
  let out = `${req.method} ${ctx.target} ${ctx.http10 ? 'HTTP/1.0' : 'HTTP/1.1'}\r\n`;
  const h = req.headers;
  let incomingXff: string | undefined;
  const tokens = req.connectionTokens;
  for (let i = 0; i < h.length; i += 2) {
    const name = h[i];
    if (requestDropLength[name.length] === true || tokens !== undefined) {
      const lower = name.toLowerCase();
      if (requestDrop.has(lower) || (tokens !== undefined && tokens.includes(lower))) {
        if (lower === 'x-forwarded-for') incomingXff = incomingXff === undefined ? h[i + 1] : `${incomingXff}, ${h[i + 1]}`;
        continue;
      }
    }
    out += `${name}: ${h[i + 1]}\r\n`;
  }
  if (req.host === undefined) out += `Host: \r\n`;
  const host = req.host ?? '';
  out += `X-Request-ID: ${ctx.requestId}\r\nX-Real-IP: ${ctx.remoteAddress}\r\nX-Forwarded-For: ${ctx.remoteAddress}\r\nX-Forwarded-Host: ${host}\r\nX-Forwarded-Port: ${ctx.localPort}\r\nX-Forwarded-Proto: ${ctx.proto}\r\nX-Forwarded-Scheme: ${ctx.proto}\r\nX-Scheme: ${ctx.proto}\r\n`;
  if (incomingXff !== undefined) out += `X-Original-Forwarded-For: ${incomingXff}\r\n`;
  if (req.upgrade !== undefined) out += `Connection: upgrade\r\nUpgrade: ${req.upgrade}\r\n\r\n`;
  else out += ctx.http10 ? 'Connection: close\r\n\r\n' : 'Connection: keep-alive\r\n\r\n';
  return out;
}

export function buildClientHead(res: ResponseHead, keepAlive: boolean, extra: string): string {
  let out = `HTTP/1.1 ${res.status} ${res.reason}\r\n`;
  const h = res.headers;
  const tunnel = res.status === 101;
  for (let i = 0; i < h.length; i += 2) {
    const name = h[i];
    // Cheap filter first: only names of these lengths can be hop-by-hop.
    const n = name.length;
    if (n === 7 || n === 10 || n === 16) {
      const lower = name.toLowerCase();
      if (responseDrop.has(lower) && !(tunnel && lower === 'upgrade')) continue;
    }
    if (res.connectionTokens !== undefined && res.connectionTokens.includes(name.toLowerCase()) && !tunnel) continue;
    out += `${name}: ${h[i + 1]}\r\n`;
  }
  out += extra;
  if (tunnel) return out + 'Connection: upgrade\r\n\r\n';
  return out + (keepAlive ? 'Connection: keep-alive\r\n\r\n' : 'Connection: close\r\n\r\n');
}

/** Request IDs: 32 hex digits from a pre-filled random pool (one randomFill per 2048 IDs). */
const pool = Buffer.alloc(16 * 2048);
let poolPos = pool.length;
export function newRequestId(): string {
  if (poolPos >= pool.length) {
    randomFillSync(pool);
    poolPos = 0;
  }
  const id = pool.toString('hex', poolPos, poolPos + 16);
  poolPos += 16;
  return id;
}
