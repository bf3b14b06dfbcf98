/**
 * Load-balancing annotations as typed data: `load-balance` (round_robin | ewma),
 * `upstream-hash-by` (one of the variables below, nothing else), and cookie affinity
 * (`affinity: cookie` with the `session-cookie-*` options and `affinity-mode`). As in
 * ingress-nginx, affinity wins over upstream-hash-by, which wins over load-balance.
 */
import { parseBool, parseIntIn, type AnnotationReader } from '../annotations.js';

/** The request value whose hash picks the endpoint: `$request_uri`, `$remote_addr`, `$http_<name>`. */
export type HashSource = { kind: 'request_uri' } | { kind: 'remote_addr' } | { kind: 'header'; lowerName: string };

export interface CookieAffinityConfig {
  name: string;
  /** undefined = the matched Ingress path (ingress-nginx's location path). */
  path: string | undefined;
  maxAgeSeconds: number | undefined;
  expiresSeconds: number | undefined;
  sameSite: 'None' | 'Lax' | 'Strict' | undefined;
  domain: string | undefined;
  /** undefined = Secure on HTTPS requests only. */
  secure: boolean | undefined;
  /** A retry on another endpoint (the pinned one failed) re-pins the session there. */
  changeOnFailure: boolean;
  /** balanced: sessions spread again when endpoints are added; persistent: never moved while the endpoint lives. */
  mode: 'balanced' | 'persistent';
}

export type LbConfig = { kind: 'round_robin' } | { kind: 'ewma' } | { kind: 'hash'; source: HashSource } | { kind: 'cookie'; cookie: CookieAffinityConfig };

const cookieNamePattern = /^[A-Za-z0-9_\-.]{1,64}$/;
/** A DNS name, optionally with the leading dot of old-style cookie domains. */
const cookieDomainPattern = /^\.?[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const cookiePathPattern = /^\/[A-Za-z0-9\-._~!$&'()*+,=:@%/]{0,255}$/;
/** A year; longer lifetimes are almost certainly a typo. */
const maxCookieSeconds = 366 * 24 * 3600;

function parseHashSource(v: string): HashSource | undefined {
  const s = v.trim();
  if (s === '$request_uri') return { kind: 'request_uri' };
  if (s === '$remote_addr') return { kind: 'remote_addr' };
  const m = /^\$http_([a-z0-9_]{1,64})$/.exec(s);
  // nginx's $http_x_foo is the header X-Foo: underscores stand for dashes.
  return m ? { kind: 'header', lowerName: m[1].replace(/_/g, '-') } : undefined;
}

export function parseLbAnnotations(r: AnnotationReader): LbConfig {
  let lb: LbConfig = { kind: 'round_robin' };
  r.read('load-balance', (v) => (v === 'round_robin' || v === 'ewma' ? v : undefined), (v) => (lb = { kind: v }));
  r.read('upstream-hash-by', parseHashSource, (source) => (lb = { kind: 'hash', source }));
  let affinity = false;
  r.read('affinity', (v) => (v === 'cookie' ? v : undefined), () => (affinity = true));
  if (!affinity) return lb;
  const cookie: CookieAffinityConfig = { name: 'INGRESSCOOKIE', path: undefined, maxAgeSeconds: undefined, expiresSeconds: undefined, sameSite: undefined, domain: undefined, secure: undefined, changeOnFailure: false, mode: 'balanced' };
  const seconds = parseIntIn(1, maxCookieSeconds);
  r.read('session-cookie-name', (v) => (cookieNamePattern.test(v) ? v : undefined), (v) => (cookie.name = v));
  r.read('session-cookie-path', (v) => (cookiePathPattern.test(v) ? v : undefined), (v) => (cookie.path = v));
  r.read('session-cookie-max-age', seconds, (v) => (cookie.maxAgeSeconds = v));
  r.read('session-cookie-expires', seconds, (v) => (cookie.expiresSeconds = v));
  r.read('session-cookie-samesite', (v) => (v === 'None' || v === 'Lax' || v === 'Strict' ? v : undefined), (v) => (cookie.sameSite = v));
  r.read('session-cookie-domain', (v) => (cookieDomainPattern.test(v) ? v.toLowerCase() : undefined), (v) => (cookie.domain = v));
  r.read('session-cookie-secure', parseBool, (v) => (cookie.secure = v));
  r.read('session-cookie-change-on-failure', parseBool, (v) => (cookie.changeOnFailure = v));
  r.read('affinity-mode', (v) => (v === 'balanced' || v === 'persistent' ? v : undefined), (v) => (cookie.mode = v));
  return { kind: 'cookie', cookie };
}
