/**
 * `enable-cors` as ingress-nginx's CORS template: when the request's Origin is allowed (or the
 * allowed origin is `*`), responses carry the Access-Control-* headers, and an OPTIONS preflight
 * is answered by the proxy with 204 and no body. A request from another origin is passed through
 * untouched (its preflight reaches the backend), as nginx does.
 */
import { headerValue } from './request.js';
import type { PolicyAnswer, PolicyRequest } from './policy.js';

export interface CorsConfig {
  /** ['*'] or origins such as `https://a.com`, `https://*.b.com:8443`. */
  allowOrigin: string[];
  allowMethods: string;
  allowHeaders: string;
  exposeHeaders: string;
  allowCredentials: boolean;
  maxAgeSeconds: number;
}

export const defaultCors: CorsConfig = {
  allowOrigin: ['*'],
  allowMethods: 'GET, PUT, POST, DELETE, PATCH, OPTIONS',
  allowHeaders: 'DNT,Keep-Alive,User-Agent,X-Requested-With,If-Modified-Since,Cache-Control,Content-Type,Range,Authorization',
  exposeHeaders: '',
  allowCredentials: true,
  maxAgeSeconds: 1728000,
};

type Headers = readonly (readonly [string, string])[];

export class Cors {
  readonly #any: boolean;
  /** One case-insensitive anchored regex per allowed origin; `*.` stands for one DNS label. */
  readonly #origins: RegExp[];
  /** Every header but Allow-Origin, built once. */
  readonly #rest: Headers;
  readonly #preflightRest: Headers;
  readonly #anyHeaders: Headers;

  constructor(cfg: CorsConfig) {
    this.#any = cfg.allowOrigin.includes('*');
    this.#origins = cfg.allowOrigin.filter((o) => o !== '*').map(originRegex);
    const rest: [string, string][] = [];
    if (cfg.allowCredentials) rest.push(['Access-Control-Allow-Credentials', 'true']);
    rest.push(['Access-Control-Allow-Methods', cfg.allowMethods], ['Access-Control-Allow-Headers', cfg.allowHeaders]);
    if (cfg.exposeHeaders) rest.push(['Access-Control-Expose-Headers', cfg.exposeHeaders]);
    rest.push(['Access-Control-Max-Age', String(cfg.maxAgeSeconds)]);
    this.#rest = rest;
    this.#preflightRest = [...rest, ['Content-Type', 'text/plain charset=UTF-8']];
    this.#anyHeaders = [['Access-Control-Allow-Origin', '*'], ...rest];
  }

  /** The 204 answer to an allowed preflight, or undefined (not OPTIONS, or origin not allowed). */
  preflight(req: PolicyRequest): PolicyAnswer | undefined {
    if (req.head.method !== 'OPTIONS') return undefined;
    const origin = this.#allowedOrigin(req);
    if (origin === undefined) return undefined;
    return { kind: 'answer', status: 204, headers: [['Access-Control-Allow-Origin', origin], ...this.#preflightRest], emptyBody: true };
  }

  /** Headers added to a proxied response ([] when the origin is not allowed). */
  responseHeaders(req: PolicyRequest): Headers {
    const origin = this.#allowedOrigin(req);
    if (origin === undefined) return [];
    return origin === '*' ? this.#anyHeaders : [['Access-Control-Allow-Origin', origin], ...this.#rest];
  }

  /** '*' for the wildcard configuration; else the request's Origin when it matches the list. */
  #allowedOrigin(req: PolicyRequest): string | undefined {
    if (this.#any) return '*';
    const origin = headerValue(req.head.headers, 'origin');
    if (origin === undefined) return undefined;
    return this.#origins.some((r) => r.test(origin)) ? origin : undefined;
  }
}

/** `https://*.b.com:8443` → /^https:\/\/[a-z0-9-]+\.b\.com:8443$/i; inputs were allow-listed. */
function originRegex(origin: string): RegExp {
  const escaped = origin.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&').replace('\\*\\.', '[A-Za-z0-9-]+\\.');
  return new RegExp(`^${escaped}$`, 'i');
}

const originPattern = /^https?:\/\/(\*\.)?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*(:\d{1,5})?$/;
const methodPattern = /^[A-Z]{1,20}$/;
const headerNamePattern = /^[A-Za-z0-9_-]{1,64}$/;

/** Comma-separated origins, each `*` or scheme://host[:port] with an optional leading `*.`. */
export function parseOrigins(v: string): string[] | undefined {
  const list = splitList(v);
  return list && list.every((o) => o === '*' || originPattern.test(o)) ? list : undefined;
}

export function parseMethods(v: string): string | undefined {
  const list = splitList(v)?.map((m) => m.toUpperCase());
  return list && list.every((m) => methodPattern.test(m)) ? list.join(', ') : undefined;
}

export function parseHeaderNames(v: string): string | undefined {
  const list = splitList(v);
  return list && list.every((h) => h === '*' || headerNamePattern.test(h)) ? list.join(',') : undefined;
}

function splitList(v: string): string[] | undefined {
  const list = v.split(',').map((s) => s.trim()).filter((s) => s !== '');
  return list.length > 0 && list.length <= 64 ? list : undefined;
}
