/**
 * Cleaning strategic-merge-patch directives out of values that are stored as they are.
 */
import { isPlainObject } from '../types.js';

type JsonMap = Record<string, unknown>;

export const directiveMarker = '$patch';

/** Drops maps carrying `$patch` (and list items that are such maps); such a value is not kept at all. */
export function removeDirectives(v: unknown): { value: unknown; keep: boolean } {
  if (Array.isArray(v)) return { value: v.map(removeDirectives).filter((r) => r.keep).map((r) => r.value), keep: true };
  if (!isPlainObject(v)) return { value: v, keep: true };
  if (directiveMarker in v) return { value: undefined, keep: false };
  for (const [k, x] of Object.entries(v)) {
    const r = removeDirectives(x);
    if (r.keep) v[k] = r.value;
    else delete v[k];
  }
  return { value: v, keep: true };
}

/** New content never carries nulls (IgnoreUnmatchedNulls). */
export function discardNullValues(v: unknown): unknown {
  if (Array.isArray(v)) v.forEach(discardNullValues);
  else if (isPlainObject(v)) {
    for (const [k, x] of Object.entries(v)) {
      if (x === null) delete v[k];
      else discardNullValues(x);
    }
  }
  return v;
}

/**
 * Directive keys left in the result (inside replaced values or lists) are not fields of any kind;
 * the apiserver loses them when it decodes into the typed object.
 */
export function stripDirectives(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stripDirectives);
  if (!isPlainObject(v)) return v;
  const out: JsonMap = {};
  for (const [k, x] of Object.entries(v)) if (!k.startsWith('$')) out[k] = stripDirectives(x);
  return out;
}
