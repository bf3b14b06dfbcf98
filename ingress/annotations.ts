/**
 * The ingress-nginx annotations svcnet understands, parsed as typed data with allow-lists.
 * Values never reach any configuration language (the IngressNightmare lesson): a value that does
 * not parse is ignored and reported, and the documented default applies.
 */
import { parseLbAnnotations, type LbConfig } from './balancing/config.js';
import { defaultBackendOptions, type BackendOptions } from './model.js';
import { parseAccessAnnotations, type AccessConfig } from './policies/config.js';
import { parseCanaryAnnotations, type CanaryConfig } from './policies/canary-config.js';

/** ingress-nginx's prefix; the older `ingress.kubernetes.io/` one is accepted too. */
const prefixes = ['nginx.ingress.kubernetes.io/', 'ingress.kubernetes.io/'];

export interface IngressAnnotations {
  options: BackendOptions;
  rewriteTarget: string | undefined;
  useRegex: boolean;
  /** load-balance, upstream-hash-by, affinity (balancing/). */
  lb: LbConfig;
  /** whitelist-source-range, CORS, limit-rps, auth-type basic (policies/). */
  access: AccessConfig;
  /** Set when `canary: "true"`: this Ingress only adds an alternative backend to a main one. */
  canary: CanaryConfig | undefined;
  /** One message per annotation that was ignored. */
  problems: string[];
}

/**
 * The Ingress's controller annotations by key without prefix (the first prefix in `prefixes` wins).
 * Built once per Ingress from its few annotations, so the ~60 keys the features ask about cost a
 * map lookup each rather than a string concatenation per prefix (the bulk of a 10k-route compile).
 */
function controllerAnnotations(annotations: Readonly<Record<string, string>>): Map<string, string> {
  const byKey = new Map<string, string>();
  for (const p of [...prefixes].reverse()) {
    for (const [name, value] of Object.entries(annotations)) if (name.startsWith(p)) byKey.set(name.slice(p.length), value);
  }
  return byKey;
}

/**
 * How every feature reads its annotations: `read` parses one key with an allow-listing parser
 * and applies the value, or records a problem (and the default stays).
 */
export interface AnnotationReader {
  read<T>(key: string, parse: (v: string) => T | undefined, apply: (value: T) => void): void;
  has(key: string): boolean;
  /** A problem that involves several annotations together. */
  problem(message: string): void;
}

function annotationReader(annotations: Readonly<Record<string, string>>, problems: string[]): AnnotationReader {
  const byKey = controllerAnnotations(annotations);
  return {
    read(key, parse, apply) {
      const raw = byKey.get(key);
      if (raw === undefined) return;
      const value = parse(raw);
      if (value === undefined) problems.push(`annotation ${key}=${JSON.stringify(raw.slice(0, 64))} is not valid; ignored`);
      else apply(value);
    },
    has: (key) => byKey.has(key),
    problem: (message) => problems.push(message),
  };
}

export function parseBool(v: string): boolean | undefined {
  if (v === 'true') return true;
  if (v === 'false') return false;
  return undefined;
}

/** nginx size syntax: digits with an optional k/m/g unit; 0 means unlimited. */
export function parseSize(v: string): number | undefined {
  const m = /^(\d{1,10})([kKmMgG]?)$/.exec(v.trim());
  if (!m) return undefined;
  const unit = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2].toLowerCase() as '' | 'k' | 'm' | 'g'];
  return Number(m[1]) * unit;
}

/** Timeouts are whole seconds ("60" or "60s"), 1..3600. */
export function parseSeconds(v: string): number | undefined {
  const m = /^(\d{1,4})s?$/.exec(v.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  return n >= 1 && n <= 3600 ? n * 1000 : undefined;
}

/** A path with $1..$9 references; only URL path characters (no spaces, quotes, braces, ;). */
export function parseRewriteTarget(v: string): string | undefined {
  if (v.length === 0 || v.length > 1024) return undefined;
  return /^\/[A-Za-z0-9\-._~!$&+,=:@%/]*$/.test(v) ? v : undefined;
}

export function parseAnnotations(annotations: Readonly<Record<string, string>>): IngressAnnotations {
  const options: BackendOptions = { ...defaultBackendOptions };
  const problems: string[] = [];
  let rewriteTarget: string | undefined;
  let useRegex = false;

  const r = annotationReader(annotations, problems);
  const read = r.read;

  read('rewrite-target', parseRewriteTarget, (v) => (rewriteTarget = v));
  read('use-regex', parseBool, (v) => (useRegex = v));
  read('ssl-redirect', parseBool, (v) => (options.sslRedirect = v));
  read('force-ssl-redirect', parseBool, (v) => (options.forceSslRedirect = v));
  read('backend-protocol', parseBackendProtocol, (v) => (options.protocol = v));
  read('proxy-body-size', parseSize, (v) => (options.maxBodyBytes = v));
  read('proxy-connect-timeout', parseSeconds, (v) => (options.connectTimeoutMs = v));
  read('proxy-read-timeout', parseSeconds, (v) => (options.readTimeoutMs = v));
  read('proxy-send-timeout', parseSeconds, (v) => (options.sendTimeoutMs = v));
  const lb = parseLbAnnotations(r);
  const access = parseAccessAnnotations(r);
  const canary = parseCanaryAnnotations(r);
  return { options, rewriteTarget, useRegex, lb, access, canary, problems };
}

/** GRPC/GRPCS are HTTP/2 to the backend (cleartext h2c / TLS); AUTO_HTTP and FCGI are not supported. */
function parseBackendProtocol(v: string): BackendOptions['protocol'] | undefined {
  return v === 'HTTP' || v === 'HTTPS' || v === 'GRPC' || v === 'GRPCS' ? v : undefined;
}

/** A whole number within [min, max]. */
export function parseIntIn(min: number, max: number): (v: string) => number | undefined {
  return (v) => {
    if (!/^\d{1,10}$/.test(v.trim())) return undefined;
    const n = Number(v.trim());
    return n >= min && n <= max ? n : undefined;
  };
}
