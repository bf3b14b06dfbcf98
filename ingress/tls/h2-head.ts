/**
 * An HTTP/2 request seen as the RequestHead that policies and balancers read (method, target,
 * flat header list). Built only for routes that have a policy or a balancer.
 */
import type http2 from 'node:http2';
import type { RequestHead } from '../proxy/http-head.js';

export function headOfH2(req: http2.Http2ServerRequest, target: string, host: string): RequestHead {
  const headers: string[] = [];
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) if (raw[i].charCodeAt(0) !== 58 /* : */) headers.push(raw[i], raw[i + 1]);
  return { method: req.method, target, host, headers, minor: 1, contentLength: -1, chunked: false, close: false, upgrade: undefined, connectionTokens: undefined, expectContinue: false, requestId: undefined };
}

/** `Set-Cookie: v\r\n` (an HTTP/1.1 line from a balancer) → `v`. */
export function setCookieValue(line: string): string {
  return line.slice(line.indexOf(':') + 2, -2);
}
