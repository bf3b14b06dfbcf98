/**
 * Unknown-field handling (the `fieldValidation` query parameter): Strict refuses the request,
 * Warn accepts it with a `Warning` header per field, Ignore accepts it silently. Unknown fields
 * are never stored.
 */
import { badRequest } from '../errors.js';
import type { ResourceInfo } from '../resources.js';
import type { KubeObject } from '../types.js';
import { findUnknownFields } from '../openapi/index.js';

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export function parseFieldValidation(v: string | null): FieldValidation | undefined {
  if (v === null || v === '') return undefined;
  if (v === 'Strict' || v === 'Warn' || v === 'Ignore') return v;
  throw badRequest(`fieldValidation parameter unsupported: ${v}`);
}

/** Returns the warnings to send; throws 400 in Strict mode; removes unknown fields from obj. */
export function checkUnknownFields(ri: ResourceInfo, obj: KubeObject, mode: FieldValidation): string[] {
  const unknown = findUnknownFields(obj.apiVersion, obj.kind, obj);
  if (unknown.length === 0) return [];
  if (mode === 'Strict') {
    const list = unknown.map((f) => `unknown field ${JSON.stringify(f)}`).join(', ');
    throw badRequest(`${ri.kind} in version "${ri.version}" cannot be handled as a ${ri.kind}: strict decoding error: ${list}`);
  }
  for (const path of unknown) deleteFieldPath(obj, path);
  return mode === 'Warn' ? unknown.map((f) => `unknown field ${JSON.stringify(f)}`) : [];
}

/** Deletes `spec.ports[0].bar` style paths. */
export function deleteFieldPath(obj: unknown, path: string): void {
  const parts = path.match(/[^.[\]]+|\[\d+\]/g) ?? [];
  let cur: unknown = obj;
  for (let i = 0; i < parts.length - 1; i++) {
    if (cur === null || typeof cur !== 'object') return;
    const p = parts[i];
    cur = p.startsWith('[') ? (cur as unknown[])[Number(p.slice(1, -1))] : (cur as Record<string, unknown>)[p];
  }
  const last = parts[parts.length - 1];
  if (cur && typeof cur === 'object' && last && !last.startsWith('[')) delete (cur as Record<string, unknown>)[last];
}
