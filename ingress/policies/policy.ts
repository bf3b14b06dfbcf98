/**
 * A route's precompiled policy: what the data plane runs right after matching a route whose
 * Ingress has access annotations or a canary. Order as in ingress-nginx's nginx phases: CORS
 * preflight (rewrite phase `return 204`), rate limit (preaccess), source ranges then basic auth
 * (access), then the canary choice (balancer). Routes without any of these have no policy (null).
 */
import type { Backend } from '../model.js';
import type { RequestHead } from '../proxy/http-head.js';
import type { CanaryChoice } from './canary.js';
import type { Cors } from './cors.js';

export interface PolicyRequest {
  readonly head: RequestHead;
  readonly remoteAddress: string;
  readonly proto: 'http' | 'https';
  /** The client speaks HTTP/2 (TLS ALPN h2), which gRPC backends need. */
  readonly http2: boolean;
}

/** The proxy answers itself (403, 401, 503, 204 preflight). Headers are [name, value] pairs. */
export interface PolicyAnswer {
  readonly kind: 'answer';
  readonly status: number;
  readonly headers: readonly (readonly [string, string])[];
  /** 204 preflight: no body at all (others get the usual small HTML page). */
  readonly emptyBody: boolean;
}

/** Forward to `backend` (the route's, or its canary) adding these headers to the response. */
export interface PolicyForward {
  readonly kind: 'forward';
  readonly backend: Backend;
  readonly responseHeaders: readonly (readonly [string, string])[];
}

export type Verdict = PolicyAnswer | PolicyForward;

/** One access check: an answer stops the request, undefined lets it through. */
export type Gate = (req: PolicyRequest) => PolicyAnswer | undefined;

export interface RoutePolicy {
  check(req: PolicyRequest): Verdict;
}

const noHeaders: readonly (readonly [string, string])[] = [];

export class CompiledPolicy implements RoutePolicy {
  readonly #cors: Cors | undefined;
  readonly #gates: readonly Gate[];
  readonly #backend: Backend;
  readonly #canary: CanaryChoice | undefined;
  readonly #plain: PolicyForward;

  constructor(parts: { cors: Cors | undefined; gates: readonly Gate[]; backend: Backend; canary: CanaryChoice | undefined }) {
    this.#cors = parts.cors;
    this.#gates = parts.gates;
    this.#backend = parts.backend;
    this.#canary = parts.canary;
    this.#plain = { kind: 'forward', backend: parts.backend, responseHeaders: noHeaders };
  }

  check(req: PolicyRequest): Verdict {
    const cors = this.#cors;
    if (cors) {
      const preflight = cors.preflight(req);
      if (preflight) return preflight;
    }
    for (const gate of this.#gates) {
      const answer = gate(req);
      if (answer) return answer;
    }
    const backend = this.#canary ? this.#canary.choose(req, this.#backend) : this.#backend;
    const headers = cors ? cors.responseHeaders(req) : noHeaders;
    return backend === this.#backend && headers === noHeaders ? this.#plain : { kind: 'forward', backend, responseHeaders: headers };
  }
}

/** `Name: value\r\n` lines for an HTTP/1.1 head. Values were allow-listed when compiled. */
export function headerLines(headers: readonly (readonly [string, string])[]): string {
  let out = '';
  for (const [name, value] of headers) out += `${name}: ${value}\r\n`;
  return out;
}
