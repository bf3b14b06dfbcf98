/**
 * Canary annotations as typed data. Only read when `canary: "true"`; the rest of such an
 * Ingress's annotations are not used except load balancing and affinity (ingress-nginx: a canary
 * inherits everything else from the main Ingress it attaches to).
 */
import { parseBool, parseIntIn, type AnnotationReader } from '../annotations.js';

export interface CanaryConfig {
  /** Lower-cased header name (`canary-by-header`). */
  header: string | undefined;
  /** `canary-by-header-value`: exact match routes to the canary (then always/never mean nothing). */
  headerValue: string | undefined;
  /** `canary-by-header-pattern`, used when no header value is set. */
  headerPattern: RegExp | undefined;
  cookie: string | undefined;
  weight: number;
  weightTotal: number;
}

const headerNamePattern = /^[A-Za-z0-9_-]{1,64}$/;
const cookieNamePattern = /^[A-Za-z0-9_\-.]{1,64}$/;
/** Printable ASCII, bounded: the value is compared, never reflected anywhere. */
const headerValuePattern = /^[\x21-\x7e][\x20-\x7e]{0,255}$/;

function parsePattern(v: string): RegExp | undefined {
  if (v.length === 0 || v.length > 256) return undefined;
  try {
    return new RegExp(v);
  } catch {
    return undefined;
  }
}

export function parseCanaryAnnotations(r: AnnotationReader): CanaryConfig | undefined {
  let enabled = false;
  r.read('canary', parseBool, (v) => (enabled = v));
  if (!enabled) return undefined;
  const c: CanaryConfig = { header: undefined, headerValue: undefined, headerPattern: undefined, cookie: undefined, weight: 0, weightTotal: 100 };
  r.read('canary-by-header', (v) => (headerNamePattern.test(v) ? v.toLowerCase() : undefined), (v) => (c.header = v));
  r.read('canary-by-header-value', (v) => (headerValuePattern.test(v) ? v : undefined), (v) => (c.headerValue = v));
  r.read('canary-by-header-pattern', parsePattern, (v) => (c.headerPattern = v));
  r.read('canary-by-cookie', (v) => (cookieNamePattern.test(v) ? v : undefined), (v) => (c.cookie = v));
  r.read('canary-weight-total', parseIntIn(1, 1_000_000), (v) => (c.weightTotal = v));
  r.read('canary-weight', parseIntIn(0, 1_000_000), (v) => (c.weight = v));
  if (c.weight > c.weightTotal) {
    r.problem(`annotation canary-weight=${c.weight} exceeds canary-weight-total=${c.weightTotal}; all traffic goes to the canary`);
    c.weight = c.weightTotal;
  }
  return c;
}
