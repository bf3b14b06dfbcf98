/**
 * Access annotations as typed data: source ranges, CORS, rate limits and basic auth. Parsed
 * with allow-lists; nothing here is ever interpolated into configuration or code.
 */
import { parseBool, parseIntIn, type AnnotationReader } from '../annotations.js';
import { defaultCors, parseHeaderNames, parseMethods, parseOrigins, type CorsConfig } from './cors.js';
import type { RateLimitConfig } from './rate-limit.js';
import { parseCidrList, type Cidr } from './source-range.js';

export interface BasicAuthConfig {
  /** Secret name in the Ingress's namespace. */
  secret: string | undefined;
  realm: string;
}

export interface AccessConfig {
  allowRanges: Cidr[] | undefined;
  denyRanges: Cidr[] | undefined;
  cors: CorsConfig | undefined;
  rateLimit: RateLimitConfig;
  basicAuth: BasicAuthConfig | undefined;
}

const secretNamePattern = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
/** Quoted into WWW-Authenticate: printable ASCII without quotes or backslashes. */
const realmPattern = /^[\x20\x21\x23-\x5b\x5d-\x7e]{0,128}$/;

export function parseAccessAnnotations(r: AnnotationReader): AccessConfig {
  const cfg: AccessConfig = { allowRanges: undefined, denyRanges: undefined, cors: undefined, rateLimit: { rps: undefined, rpm: undefined, burstMultiplier: 5, exempt: undefined }, basicAuth: undefined };
  r.read('whitelist-source-range', parseCidrList, (v) => (cfg.allowRanges = v));
  r.read('allowlist-source-range', parseCidrList, (v) => (cfg.allowRanges = v));
  r.read('denylist-source-range', parseCidrList, (v) => (cfg.denyRanges = v));
  cfg.cors = parseCors(r);
  r.read('limit-rps', parseIntIn(1, 1_000_000), (v) => (cfg.rateLimit.rps = v));
  r.read('limit-rpm', parseIntIn(1, 60_000_000), (v) => (cfg.rateLimit.rpm = v));
  r.read('limit-burst-multiplier', parseIntIn(1, 1000), (v) => (cfg.rateLimit.burstMultiplier = v));
  r.read('limit-whitelist', parseCidrList, (v) => (cfg.rateLimit.exempt = v));
  cfg.basicAuth = parseBasicAuth(r);
  return cfg;
}

function parseCors(r: AnnotationReader): CorsConfig | undefined {
  let enabled = false;
  r.read('enable-cors', parseBool, (v) => (enabled = v));
  if (!enabled) return undefined;
  const c: CorsConfig = { ...defaultCors };
  r.read('cors-allow-origin', parseOrigins, (v) => (c.allowOrigin = v));
  r.read('cors-allow-methods', parseMethods, (v) => (c.allowMethods = v));
  r.read('cors-allow-headers', parseHeaderNames, (v) => (c.allowHeaders = v));
  r.read('cors-expose-headers', parseHeaderNames, (v) => (c.exposeHeaders = v));
  r.read('cors-allow-credentials', parseBool, (v) => (c.allowCredentials = v));
  r.read('cors-max-age', parseIntIn(0, 100_000_000), (v) => (c.maxAgeSeconds = v));
  return c;
}

function parseBasicAuth(r: AnnotationReader): BasicAuthConfig | undefined {
  let type: string | undefined;
  r.read('auth-type', (v) => (v === 'basic' ? v : undefined), (v) => (type = v));
  if (type === undefined) {
    if (r.has('auth-secret')) r.problem('annotation auth-secret is set without auth-type: basic; ignored');
    return undefined;
  }
  const auth: BasicAuthConfig = { secret: undefined, realm: '' };
  r.read('auth-secret-type', (v) => (v === 'auth-file' ? v : undefined), () => {});
  r.read('auth-secret', parseSecretRef, (v) => (auth.secret = v));
  r.read('auth-realm', (v) => (realmPattern.test(v) ? v : undefined), (v) => (auth.realm = v));
  if (auth.secret === undefined) r.problem('auth-type basic needs a valid auth-secret; every request to this Ingress is refused');
  return auth;
}

/** `name` or `namespace/name`; the namespace is checked against the Ingress's at compile time. */
function parseSecretRef(v: string): string | undefined {
  const parts = v.split('/');
  if (parts.length > 2 || !parts.every((p) => secretNamePattern.test(p))) return undefined;
  return v;
}
