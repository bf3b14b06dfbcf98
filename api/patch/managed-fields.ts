/**
 * metadata.managedFields bookkeeping shared by server-side apply and update tracking: reading and
 * writing the entries, the fields never tracked, and which fields a change touches.
 */
import { isDeepStrictEqual } from 'node:util';
import { isPlainObject } from '../types.js';
import { FieldSet, fieldSetOf, valueAt } from './field-set.js';
import type { FieldMeta } from './schema.js';

type JsonMap = Record<string, any>;

export interface ManagedFieldsEntry {
  manager: string;
  operation: string;
  apiVersion?: string;
  time?: string;
  fieldsType?: string;
  fieldsV1?: unknown;
  subresource?: string;
}

export interface Manager {
  entry: ManagedFieldsEntry;
  set: FieldSet;
  changed: boolean;
}

/** Fields never tracked (stripMetaManager): type and identity metadata. */
export const untracked = new FieldSet([
  ['f:apiVersion'],
  ['f:kind'],
  ['f:metadata'],
  ...['name', 'namespace', 'creationTimestamp', 'selfLink', 'uid', 'clusterName', 'generation', 'managedFields', 'resourceVersion'].map((f) => ['f:metadata', `f:${f}`]),
]);

/** metav1.Time as JSON: RFC 3339 in whole seconds. */
export function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function readManagers(obj: JsonMap): Manager[] {
  const list = obj.metadata?.managedFields;
  if (!Array.isArray(list)) return [];
  return list.filter(isPlainObject).map((e) => ({ entry: e as unknown as ManagedFieldsEntry, set: FieldSet.fromFieldsV1(e.fieldsV1), changed: false }));
}

/**
 * Fields of `after` that are new or whose leaf value differs from `before` (Compare: added ∪
 * modified); `containers` counts newly added maps and lists themselves, as updates record them.
 */
export function changedFields(before: unknown, after: unknown, meta: FieldMeta | undefined, containers = false): FieldSet {
  const beforeSet = fieldSetOf(before, meta, containers);
  const afterSet = fieldSetOf(after, meta, containers);
  return new FieldSet(
    afterSet.paths().filter((p) => {
      if (!beforeSet.has(p)) return true;
      if (afterSet.hasDescendant(p)) return false;
      return !isDeepStrictEqual(valueAt(before, p, meta), valueAt(after, p, meta));
    }),
  );
}

/** Fields of `before` that `after` no longer has (Compare: removed). */
export function removedFields(before: unknown, after: unknown, meta: FieldMeta | undefined, containers = false): FieldSet {
  return fieldSetOf(before, meta, containers).difference(fieldSetOf(after, meta, containers));
}

/** Go's manager identifier: the entry without time and fields (and without apiVersion for appliers). */
export function managerIdentifier(e: ManagedFieldsEntry): string {
  const id: Record<string, string> = { manager: e.manager, operation: e.operation };
  if (e.operation !== 'Apply' && e.apiVersion) id.apiVersion = e.apiVersion;
  if (e.subresource) id.subresource = e.subresource;
  return JSON.stringify(id);
}

export function printManager(e: ManagedFieldsEntry): string {
  let s = JSON.stringify(e.manager);
  if (e.subresource) s += ` with subresource ${JSON.stringify(e.subresource)}`;
  if (e.operation === 'Update') s += e.time ? ` using ${e.apiVersion} at ${e.time}` : ` using ${e.apiVersion}`;
  return s;
}

/** Writes the entries in upstream's order; no entries means no managedFields at all. */
export function withManagedFields(obj: JsonMap, entries: ManagedFieldsEntry[]): JsonMap {
  const sorted = [...entries].sort(compareEntries);
  if (!isPlainObject(obj.metadata)) obj.metadata = {};
  if (sorted.length) obj.metadata.managedFields = sorted;
  else delete obj.metadata.managedFields;
  return obj;
}

/** sortEncodedManagedFields: by operation, time, manager, apiVersion, subresource. */
function compareEntries(a: ManagedFieldsEntry, b: ManagedFieldsEntry): number {
  const keys = (e: ManagedFieldsEntry) => [e.operation, e.time ?? '', e.manager, e.apiVersion ?? '', e.subresource ?? ''];
  const ka = keys(a);
  const kb = keys(b);
  for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i] < kb[i] ? -1 : 1;
  return 0;
}
