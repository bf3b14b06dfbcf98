/**
 * Small readers for plain JSON objects. Validation walks objects as they arrived on the wire, so
 * every field may be missing or of the wrong type; these helpers turn that into Go's zero values,
 * which is what upstream validation sees after decoding.
 */
import { isPlainObject } from '../types.js';

export type Obj = Record<string, unknown>;

export function asObj(v: unknown): Obj | undefined {
  return isPlainObject(v) ? v : undefined;
}

/** The object at `v`, or an empty one (a Go struct that was not sent is all zero values). */
export function objOrEmpty(v: unknown): Obj {
  return isPlainObject(v) ? v : {};
}

export function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

export function asString(v: unknown): string {
  return typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v);
}

export function asNumber(v: unknown): number {
  return typeof v === 'number' ? v : 0;
}

/** A map[string]string; YAML numbers and booleans become their text as Go's decoder would refuse them anyway. */
export function asStringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isPlainObject(v)) return out;
  for (const [k, x] of Object.entries(v)) out[k] = asString(x);
  return out;
}

export function isSet(v: unknown): boolean {
  return v !== undefined && v !== null;
}

/** Gets or creates the object at obj[key] (for defaulting). */
export function ensureObj(parent: Obj, key: string): Obj {
  const cur = parent[key];
  if (isPlainObject(cur)) return cur;
  const fresh: Obj = {};
  parent[key] = fresh;
  return fresh;
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => deepEqual(x, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    if (ka.length !== kb.length) return false;
    return ka.every((k) => deepEqual(a[k], b[k]));
  }
  return false;
}

export function clone<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}
