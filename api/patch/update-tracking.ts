/**
 * Field ownership for writes that are not applies (create, update, the other patch types): like
 * kube-apiserver's field manager, the writer's "Update" entry gains every field the write added or
 * changed, other managers lose those fields, and nobody keeps fields the write removed. With these
 * entries server-side apply reports the same conflicts as a real cluster, e.g. after `kubectl create`.
 */
import { isDeepStrictEqual } from 'node:util';
import { isPlainObject } from '../types.js';
import { FieldSet } from './field-set.js';
import { type ManagedFieldsEntry, changedFields, readManagers, removedFields, rfc3339, untracked, withManagedFields } from './managed-fields.js';
import { type FieldMeta, schemaForKind } from './schema.js';

export interface UpdateOptions {
  fieldManager: string;
  kind: string;
  now: Date;
  /** e.g. "status" or "scale" for writes to a subresource. */
  subresource?: string;
}

type JsonMap = Record<string, any>;

function withoutManagedFields(obj: unknown): JsonMap {
  const copy = structuredClone(obj ?? {}) as JsonMap;
  if (isPlainObject(copy.metadata)) delete copy.metadata.managedFields;
  return copy;
}

/**
 * Returns a copy of `updated` whose managedFields record this write. `live` is undefined for a
 * create. A body carrying managedFields replaces the live ones; an empty list clears them.
 */
export function recordUpdate(live: object | undefined, updated: object, opts: UpdateOptions): object {
  return recordUpdateWithMeta(live, updated, opts, schemaForKind(opts.kind));
}

/** The same with explicit metadata. */
export function recordUpdateWithMeta(live: object | undefined, updated: object, opts: Omit<UpdateOptions, 'kind'>, meta: FieldMeta): object {
  const given = isPlainObject((updated as JsonMap).metadata) ? (updated as JsonMap).metadata.managedFields : undefined;
  const after = withoutManagedFields(updated);
  if (Array.isArray(given) && given.length === 0) return after;

  const before = withoutManagedFields(live);
  const changed = changedFields(before, after, meta, true).difference(untracked);
  const removed = removedFields(before, after, meta, true);
  const managers = readManagers({ metadata: { managedFields: given ?? (live as JsonMap | undefined)?.metadata?.managedFields } });

  const apiVersion = String(after.apiVersion ?? '');
  const subresource = opts.subresource ?? '';
  const isSelf = (e: ManagedFieldsEntry) => e.manager === opts.fieldManager && e.operation === 'Update' && e.apiVersion === apiVersion && (e.subresource ?? '') === subresource;
  const self = managers.find((m) => isSelf(m.entry));
  const entries: ManagedFieldsEntry[] = [];
  for (const m of managers) {
    if (m === self) continue;
    const kept = m.set.difference(changed).difference(removed);
    if (kept.size === m.set.size) entries.push(m.entry);
    else if (kept.size > 0) entries.push({ ...m.entry, fieldsV1: kept.toFieldsV1() });
  }

  const previous = self?.set ?? new FieldSet();
  const owned = previous.difference(removed).union(changed);
  if (owned.size > 0) {
    const same = self !== undefined && isDeepStrictEqual(owned.toFieldsV1(), previous.toFieldsV1());
    const entry: ManagedFieldsEntry = { manager: opts.fieldManager, operation: 'Update', apiVersion, time: same ? self.entry.time : rfc3339(opts.now), fieldsType: 'FieldsV1', fieldsV1: owned.toFieldsV1() };
    if (subresource) entry.subresource = subresource;
    entries.push(entry);
  }
  return withManagedFields(after, entries);
}
