/**
 * Server-side apply (application/apply-patch+yaml) with field ownership in metadata.managedFields,
 * modelled on structured-merge-diff's Updater.Apply as kube-apiserver runs it:
 *
 * 1. The applied configuration is merged into the live object (objects key by key, keyed lists by
 *    their list-map keys, set lists as unions, atomic values replaced).
 * 2. Fields owned by other managers whose value this changes are conflicts: with force=false the
 *    apply fails with 409 and upstream's message; with force=true the other managers lose them.
 * 3. Fields this manager applied last time, leaves out now, and nobody owns are removed, and so
 *    are struct fields it had set something under when nothing under them is owned any more
 *    (EnsureNamedFieldsAreMembers): dropping the last label removes `labels`.
 * 4. The manager's "Apply" entry is replaced by the fields of this configuration.
 *
 * 5. Other managers lose fields the result no longer has.
 *
 * Only managers recorded in managedFields own anything: plain writes are recorded by recordUpdate
 * (update-tracking.ts) if the server calls it. Nulls in the configuration are dropped (typed
 * objects cannot hold them), where structured-merge-diff would store them.
 */
import { isDeepStrictEqual } from 'node:util';
import { ApiError, badRequest, fieldErr, invalid } from '../errors.js';
import { isPlainObject } from '../types.js';
import { type FieldPath, FieldSet, childMeta, expandNamedFields, fieldSetOf, itemElement, listTypeOf, locate, pathString } from './field-set.js';
import { type Manager, type ManagedFieldsEntry, changedFields, managerIdentifier, printManager, readManagers, removedFields, rfc3339, untracked, withManagedFields } from './managed-fields.js';
import { type FieldMeta, schemaForKind } from './schema.js';

export interface ApplyOptions {
  fieldManager: string;
  force: boolean;
  kind: string;
  now: Date;
}

type JsonMap = Record<string, any>;

/** Applies `applied` for `opts.fieldManager`; `live` undefined means the apply creates the object. */
export function applyServerSideApply(live: object | undefined, applied: object, opts: ApplyOptions): object {
  return applyWithMeta(live, applied, opts, schemaForKind(opts.kind));
}

/** The same with explicit metadata (tests run structured-merge-diff's cases with their schemas). */
export function applyWithMeta(live: object | undefined, applied: object, opts: Omit<ApplyOptions, 'kind'>, meta: FieldMeta): object {
  validateRequest(applied, opts);
  const config = withoutNulls(structuredClone(applied)) as JsonMap;
  // Identity fields (metadata.name, …) are owned while merging and pruning, just not recorded.
  const appliedFull = fieldSetOf(config, meta);
  const appliedSet = appliedFull.difference(untracked);
  const time = rfc3339(opts.now);
  const own: ManagedFieldsEntry = { manager: opts.fieldManager, operation: 'Apply', apiVersion: String(config.apiVersion ?? ''), time, fieldsType: 'FieldsV1' };

  if (live === undefined) return withManagedFields(config, appliedSet.size ? [{ ...own, fieldsV1: appliedSet.toFieldsV1() }] : []);

  const liveObj = structuredClone(live) as JsonMap;
  const managers = readManagers(liveObj);
  if (isPlainObject(liveObj.metadata)) delete liveObj.metadata.managedFields;

  const merged = mergeValues(liveObj, config, meta) as JsonMap;
  const others = managers.filter((m) => !isApplier(m.entry, opts.fieldManager));
  resolveConflicts(others, changedFields(liveObj, merged, meta), opts.force);

  const previous = managers.find((m) => isApplier(m.entry, opts.fieldManager));
  const owned = expandNamedFields(others.reduce((acc, m) => acc.union(m.set), appliedFull), meta);
  const result = removeFields(merged, expandNamedFields(previous?.set ?? new FieldSet(), meta).difference(owned), meta);
  dropRemovedFields(others, removedFields(liveObj, result, meta));

  const ownChanged = !previous || !sameSet(previous.set, appliedSet) || !isDeepStrictEqual(result, liveObj);
  const entries = [
    ...(appliedSet.size ? [{ ...own, time: ownChanged ? time : (previous?.entry.time ?? time), fieldsV1: appliedSet.toFieldsV1() }] : []),
    ...others.filter((m) => m.set.size > 0).map((m) => (m.changed ? { ...m.entry, fieldsV1: m.set.toFieldsV1() } : m.entry)),
  ];
  return withManagedFields(result, entries);
}

function dropRemovedFields(others: Manager[], removed: FieldSet): void {
  if (removed.size === 0) return;
  for (const m of others) {
    const kept = m.set.difference(removed);
    if (kept.size !== m.set.size) {
      m.set = kept;
      m.changed = true;
    }
  }
}

function validateRequest(applied: object, opts: Omit<ApplyOptions, 'kind'>): void {
  if (!opts.fieldManager) {
    throw invalid('PatchOptions', 'meta.k8s.io', '', [fieldErr.required('fieldManager', 'is required for apply patch')]);
  }
  if (!isPlainObject(applied)) throw badRequest('error decoding YAML: the applied configuration must be an object');
  const managed = isPlainObject(applied.metadata) ? applied.metadata.managedFields : undefined;
  if (Array.isArray(managed) && managed.length > 0) throw badRequest('metadata.managedFields must be nil');
}

function withoutNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutNulls);
  if (!isPlainObject(v)) return v;
  return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== null).map(([k, x]) => [k, withoutNulls(x)]));
}

function isApplier(e: ManagedFieldsEntry, fieldManager: string): boolean {
  return e.manager === fieldManager && e.operation === 'Apply' && !e.subresource;
}

function sameSet(a: FieldSet, b: FieldSet): boolean {
  return a.size === b.size && a.difference(b).size === 0;
}

/** merge of live (lhs) and applied (rhs): rhs wins on leaves. */
function mergeValues(lhs: unknown, rhs: unknown, meta: FieldMeta | undefined): unknown {
  if (rhs === undefined) return lhs;
  if (lhs === undefined || meta?.atomic) return rhs;
  if (Array.isArray(lhs) && Array.isArray(rhs)) return listTypeOf(meta) === 'atomic' ? rhs : mergeLists(lhs, rhs, meta);
  if (isPlainObject(lhs) && isPlainObject(rhs)) {
    const out: JsonMap = { ...lhs };
    for (const [k, v] of Object.entries(rhs)) out[k] = mergeValues(lhs[k], v, childMeta(meta, `f:${k}`));
    return out;
  }
  return rhs;
}

/**
 * Keyed and set lists: live order is kept, items the configuration shares with the live list follow
 * the configuration's order, and new items come where the configuration puts them relative to those.
 */
function mergeLists(lhs: unknown[], rhs: unknown[], meta: FieldMeta | undefined): unknown[] {
  const lKeys = lhs.map((item, i) => itemElement(item, i, meta));
  const rKeys = rhs.map((item, i) => itemElement(item, i, meta));
  const lByKey = new Map(lKeys.map((k, i) => [k, lhs[i]]));
  const rByKey = new Map(rKeys.map((k, i) => [k, rhs[i]]));
  const shared = rKeys.filter((k) => lByKey.has(k));
  let nextShared = 0;
  const done = new Set<string>();
  const out: unknown[] = [];
  const take = (key: string) => {
    done.add(key);
    out.push(mergeValues(lByKey.get(key), rByKey.get(key), meta?.items));
    if (shared[nextShared] === key) nextShared++;
  };
  let l = 0;
  let r = 0;
  while (l < lKeys.length || r < rKeys.length) {
    if (l < lKeys.length && r < rKeys.length) {
      if (lKeys[l] === rKeys[r]) {
        take(rKeys[r]);
        l++;
        r++;
        continue;
      }
      if (rByKey.has(lKeys[l]) && nextShared < shared.length && shared[nextShared] !== lKeys[l]) {
        l++;
        continue;
      }
    }
    if (l < lKeys.length) {
      if (!rByKey.has(lKeys[l])) {
        out.push(lhs[l++]);
        continue;
      }
      if (done.has(lKeys[l])) {
        l++;
        continue;
      }
    }
    if (r < rKeys.length) take(rKeys[r++]);
  }
  return out;
}

function resolveConflicts(others: Manager[], changed: FieldSet, force: boolean): void {
  const conflicts = others.map((m) => ({ manager: m, paths: m.set.intersection(changed).paths() })).filter((c) => c.paths.length > 0);
  if (conflicts.length === 0) return;
  if (!force) throw conflictError(conflicts.map((c) => ({ entry: c.manager.entry, paths: c.paths })));
  for (const c of conflicts) {
    c.manager.set = c.manager.set.difference(new FieldSet(c.paths));
    c.manager.changed = true;
  }
}

/** internal.NewConflictError: one conflict on one line, several grouped by manager. */
function conflictError(conflicts: { entry: ManagedFieldsEntry; paths: FieldPath[] }[]): ApiError {
  const sorted = [...conflicts].sort((a, b) => (managerIdentifier(a.entry) < managerIdentifier(b.entry) ? -1 : 1));
  const flat = sorted.flatMap((c) => c.paths.map((p) => ({ entry: c.entry, path: pathString(p) })).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)));
  const causes = flat.map((c) => ({ reason: 'FieldManagerConflict', message: `conflict with ${printManager(c.entry)}`, field: c.path }));
  const message =
    flat.length === 1
      ? `Apply failed with 1 conflict: conflict with ${printManager(flat[0].entry)}: ${flat[0].path}`
      : `Apply failed with ${flat.length} conflicts: ${sorted
          .map((c) => [`conflicts with ${printManager(c.entry)}:`, ...flat.filter((f) => f.entry === c.entry).map((f) => `- ${f.path}`)].join('\n'))
          .join('\n')}`;
  return new ApiError(409, 'Conflict', message, { causes });
}

/**
 * Deletes the paths in `toRemove`, each with everything below it (Updater.prune: what the applier
 * owned last time, with the struct fields above it, minus what anyone owns now).
 */
function removeFields(obj: JsonMap, toRemove: FieldSet, meta: FieldMeta | undefined): JsonMap {
  // Parents first: once an item is gone its fields are too, and its key fields stay readable until then.
  const paths = toRemove.paths().filter((p) => !isKeyFieldOfKeptItem(p, toRemove));
  for (const path of paths.sort((a, b) => a.length - b.length)) removeAt(obj, path, meta);
  return obj;
}

/** A key field of a list item that itself is not being removed: removing it would break the item. */
function isKeyFieldOfKeptItem(path: FieldPath, toRemove: FieldSet): boolean {
  const parent = path.slice(0, -1);
  const last = path[path.length - 1];
  if (!parent.length || !parent[parent.length - 1].startsWith('k:') || toRemove.has(parent)) return false;
  const key = JSON.parse(parent[parent.length - 1].slice(2)) as Record<string, unknown>;
  return last.startsWith('f:') && last.slice(2) in key;
}

/** Removes one path (and so everything below it), if it exists. */
function removeAt(obj: JsonMap, path: FieldPath, meta: FieldMeta | undefined): void {
  let container: any = obj;
  let m = meta;
  for (const e of path.slice(0, -1)) {
    const at = locate(container, e, m);
    if (at === undefined) return;
    container = container[at];
    m = childMeta(m, e);
  }
  const at = locate(container, path[path.length - 1], m);
  if (at === undefined) return;
  if (Array.isArray(container)) container.splice(at as number, 1);
  else delete container[at];
}

