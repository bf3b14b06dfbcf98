/**
 * application/strategic-merge-patch+json, following apimachinery's strategicpatch.StrategicMergeMapPatch
 * (MergeParallelList and IgnoreUnmatchedNulls on, as the apiserver calls it): maps merge, `null`
 * deletes, lists merge by their merge key or are replaced, and the `$patch`, `$setElementOrder/…`,
 * `$deleteFromPrimitiveList/…` and `$retainKeys` directives act as upstream. Errors are answered as
 * the apiserver's interpretStrategicMergePatchError does (400, 422 or a bare 500).
 */
import { isPlainObject } from '../types.js';
import { directiveMarker, discardNullValues, removeDirectives, stripDirectives } from './directives.js';
import { normalizeElementOrder, sameItem } from './element-order.js';
import { goTypeName, goValue, jsonKindName } from './go-format.js';
import { patchBadRequest, patchInternal, patchUnprocessable } from './patch-errors.js';
import { type FieldMeta, fieldMeta, schemaForKind, smpListStrategy } from './schema.js';

type JsonMap = Record<string, unknown>;

const setElementOrderPrefix = '$setElementOrder';
const deleteFromPrimitiveListPrefix = '$deleteFromPrimitiveList';
const retainKeysDirective = '$retainKeys';

const errBadFormatPrimitiveList = () => patchBadRequest('invalid patch format of primitive list');
const errBadFormatRetainKeys = () => patchBadRequest('invalid patch format of retainKeys');
const errBadFormatSetElementOrder = () => patchBadRequest('invalid patch format of setElementOrder list');
const errNoMergeKey = (m: unknown, key: string) => patchInternal(`map: ${goValue(m)} does not contain declared merge key: ${key}`);
const errBadArgType = (expected: string, actual: unknown) => patchInternal(`expected a ${expected}, but received a ${goTypeName(actual)}`);
const errBadPatchType = (t: unknown, m: unknown) => patchInternal(`unknown patch type: ${goValue(t)} in map: ${goValue(m)}`);

/** Applies `patch` to a copy of `original` with the merge keys of `kind`. */
export function applyStrategicMergePatch(original: object, patch: object, kind: string): object {
  if (patch === null) return structuredClone(original);
  if (!isPlainObject(patch)) throw patchBadRequest(`json: cannot unmarshal ${jsonKindName(patch)} into Go value of type map[string]interface {}`);
  return strategicMergeWithMeta(original, patch, schemaForKind(kind));
}

/** The same with explicit patch metadata (tests run upstream's cases with their test schema). */
export function strategicMergeWithMeta(original: object, patch: JsonMap, meta: FieldMeta): object {
  return stripDirectives(mergeMap(structuredClone(original) as JsonMap, structuredClone(patch), meta)) as object;
}

function mergeMap(original: JsonMap | undefined, patch: JsonMap, meta: FieldMeta | undefined): JsonMap {
  if (directiveMarker in patch) return handleDirectiveInMergeMap(patch[directiveMarker], patch);
  const target = original ?? {};
  applyRetainKeysDirective(target, patch);
  mergeSetElementOrderLists(target, patch, meta);
  for (const [rawKey, patchValue] of Object.entries(patch)) {
    const isDeleteList = rawKey.startsWith(deleteFromPrimitiveListPrefix);
    const key = isDeleteList ? extractKey(rawKey, deleteFromPrimitiveListPrefix) : rawKey;
    if (patchValue === null) {
      delete target[key];
      continue;
    }
    if (!Object.prototype.hasOwnProperty.call(target, key) || kindOf(target[key]) !== kindOf(patchValue)) {
      if (!isDeleteList) setWithoutDirectives(target, key, discardNullValues(patchValue));
      continue;
    }
    target[key] = mergeValue(target[key], patchValue, fieldMeta(meta, key), isDeleteList);
  }
  return target;
}

function mergeValue(original: unknown, patch: unknown, meta: FieldMeta | undefined, isDeleteList: boolean): unknown {
  if (Array.isArray(original)) return mergeSliceHandler(original, patch as unknown[], meta, isDeleteList);
  if (isPlainObject(original)) return meta?.strategy === 'replace' ? patch : mergeMap(original, patch as JsonMap, meta);
  return removeDirectives(patch).value;
}

function kindOf(v: unknown): string {
  return Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v === 'number' ? (Number.isInteger(v) ? 'int' : 'float') : typeof v;
}

/** `$patch` inside a map: replace → the patch itself, delete → an empty map. */
function handleDirectiveInMergeMap(directive: unknown, patch: JsonMap): JsonMap {
  if (directive === 'replace') {
    delete patch[directiveMarker];
    return patch;
  }
  if (directive === 'delete') return {};
  throw errBadPatchType(directive, patch);
}

function extractKey(key: string, prefix: string): string {
  const slash = key.indexOf('/');
  if (slash < 0 || key.slice(0, slash) !== prefix) {
    throw prefix === deleteFromPrimitiveListPrefix ? errBadFormatPrimitiveList() : errBadFormatSetElementOrder();
  }
  return key.slice(slash + 1);
}

function setWithoutDirectives(target: JsonMap, key: string, value: unknown): void {
  const { value: cleaned, keep } = removeDirectives(value);
  if (keep) target[key] = cleaned;
  else delete target[key];
}

/** `$retainKeys`: the map keeps only the listed keys; the patch may not set others. */
function applyRetainKeysDirective(original: JsonMap, patch: JsonMap): void {
  if (!(retainKeysDirective in patch)) return;
  const retain = patch[retainKeysDirective];
  delete patch[retainKeysDirective];
  if (!Array.isArray(retain)) throw errBadFormatRetainKeys();
  for (const [k, v] of Object.entries(patch)) {
    if (v === null || k.startsWith(deleteFromPrimitiveListPrefix) || k.startsWith(setElementOrderPrefix)) continue;
    if (!retain.includes(k)) throw errBadFormatRetainKeys();
  }
  for (const k of Object.keys(original)) if (!retain.includes(k)) delete original[k];
}

/**
 * `$setElementOrder/<field>`: merges the field's list now and orders the result as the directive
 * says, server-only items interleaved by their live order. The list is then removed from the patch.
 */
function mergeSetElementOrderLists(original: JsonMap, patch: JsonMap, meta: FieldMeta | undefined): void {
  for (const [key, order] of Object.entries(patch)) {
    if (!key.startsWith(setElementOrderPrefix)) continue;
    delete patch[key];
    if (!Array.isArray(order)) throw errBadArgType('[]interface {}', order);
    const field = extractKey(key, setElementOrderPrefix);
    const originalList = original[field];
    const patchList = patch[field];
    if (originalList !== undefined && !Array.isArray(originalList)) throw errBadArgType('[]interface {}', originalList);
    if (patchList !== undefined && !Array.isArray(patchList)) throw errBadArgType('[]interface {}', patchList);
    const listMeta = fieldMeta(meta, field);
    const mergeKey = listMeta?.mergeKey ?? '';
    validatePatchWithSetOrderList(patchList ?? [], order, mergeKey);
    let merged: unknown[];
    const trace: SliceTrace = {};
    if (originalList === undefined && patchList === undefined) continue;
    else if (patchList === undefined) merged = originalList as unknown[];
    else if (originalList === undefined) merged = removeDirectives(patchList).value as unknown[];
    else merged = mergeSliceHandler(originalList, patchList, listMeta, false, trace);
    const inOrder = (item: unknown) => order.some((o) => sameItem(o, item, mergeKey));
    const isMaps = [...((originalList as unknown[]) ?? []), ...((patchList as unknown[]) ?? [])].some(isPlainObject);
    if (isMaps && mergeKey) merged.forEach((item) => requireMergeKey(item, mergeKey));
    original[field] = normalizeElementOrder(
      merged.filter(inOrder),
      merged.filter((i) => !inOrder(i)),
      order,
      trace.remaining ? liveOrderSeenByUpstream(originalList as unknown[], trace) : ((originalList as unknown[]) ?? []),
      isMaps ? mergeKey : '',
    );
    delete patch[field];
  }
}

/** Items of the patch list (deletions aside) must appear in the directive's list, in the same order. */
function validatePatchWithSetOrderList(patchList: unknown[], order: unknown[], mergeKey: string): void {
  if (order.length === 0 || patchList.length === 0) return;
  const nonDelete = mergeKey ? patchList.filter((p) => !(isPlainObject(p) && p[directiveMarker] === 'delete')) : patchList;
  let p = 0;
  let o = 0;
  while (p < nonDelete.length && o < order.length) {
    if (isPlainObject(nonDelete[p]) && directiveMarker in (nonDelete[p] as JsonMap)) {
      p++;
      continue;
    }
    if (mergeKeyValueEqual(nonDelete[p], order[o], mergeKey)) p++;
    o++;
  }
  if (p < nonDelete.length && o >= order.length) {
    throw patchInternal(`The order in patch list:\n${goValue(patchList)}\n doesn't match ${setElementOrderPrefix} list:\n${goValue(order)}\n`);
  }
}

function mergeKeyValueEqual(left: unknown, right: unknown, mergeKey: string): boolean {
  if (!mergeKey) return left === right;
  if (!isPlainObject(left)) throw errBadArgType('map[string]interface {}', left);
  if (!isPlainObject(right)) throw errBadArgType('map[string]interface {}', right);
  return requireMergeKey(left, mergeKey) === requireMergeKey(right, mergeKey);
}

function requireMergeKey(item: unknown, mergeKey: string): unknown {
  if (!isPlainObject(item)) throw errBadArgType('map[string]interface {}', item);
  if (!(mergeKey in item)) throw errNoMergeKey(item, mergeKey);
  return item[mergeKey];
}

/** What merging a keyed list did: the live items left after deletions and the items appended. */
interface SliceTrace {
  remaining?: unknown[];
  appended?: unknown[];
}

/**
 * The live order upstream sorts a `$setElementOrder` list by. Go deletes items in place and appends
 * new ones into the freed tail of the same array, and the caller still reads the old slice header,
 * so it sees the surviving items followed by as many new ones as there were deletions. Upstream's
 * own tests pin the resulting order.
 */
function liveOrderSeenByUpstream(original: unknown[], trace: SliceTrace): unknown[] {
  const remaining = trace.remaining ?? original;
  const freed = original.length - remaining.length;
  return [...remaining, ...(trace.appended ?? []).slice(0, freed)];
}

function mergeSliceHandler(original: unknown[], patch: unknown[], meta: FieldMeta | undefined, isDeleteList: boolean, trace: SliceTrace = {}): unknown[] {
  if (smpListStrategy(meta) === 'merge' || isDeleteList) return mergeSlice(original, patch, meta, isDeleteList, trace);
  return patch;
}

function mergeSlice(original: unknown[], patch: unknown[], meta: FieldMeta | undefined, isDeleteList: boolean, trace: SliceTrace = {}): unknown[] {
  if (original.length === 0 && patch.length === 0) return original;
  const elementKind = sliceElementKind(original, patch);
  if (elementKind !== 'object') {
    if (isDeleteList) return original.filter((v) => !patch.includes(v));
    const merged = [...new Set([...original, ...patch])];
    return normalizeElementOrder(
      merged.filter((v) => patch.includes(v)),
      merged.filter((v) => !patch.includes(v)),
      patch,
      original,
      '',
    );
  }
  const mergeKey = meta?.mergeKey;
  // Upstream names the Go struct here; only a $deleteFromPrimitiveList on a list of objects gets this far.
  if (!mergeKey) throw patchInternal('cannot merge lists without merge key for ');
  const special = applySpecialElements(original as JsonMap[], patch as JsonMap[], mergeKey);
  const merged = mergeByKey(special.original, special.patch, mergeKey, meta?.items);
  if (!special.replaced) {
    trace.remaining = special.original;
    trace.appended = merged.slice(special.original.length);
  }
  const inPatch = (item: unknown) => special.patch.some((p) => sameItem(p, item, mergeKey));
  return normalizeElementOrder(merged.filter(inPatch), merged.filter((i) => !inPatch(i)), special.patch, special.original, mergeKey);
}

/** The common element type of the lists, as sliceElementType checks it. */
function sliceElementKind(...lists: unknown[][]): string {
  let kind: string | undefined;
  for (const v of lists.flat()) {
    const k = Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v;
    if (kind === undefined) {
      if (k === 'array') throw patchUnprocessable();
      kind = k;
    } else if (kind !== k) {
      throw patchInternal(`list element types are not identical: [${lists.map(goValue).join(' ')}]`);
    }
  }
  return kind ?? 'none';
}

/** `$patch: delete` removes items by merge key, `$patch: replace` makes the rest of the patch the list. */
function applySpecialElements(original: JsonMap[], patch: JsonMap[], mergeKey: string): { original: JsonMap[]; patch: JsonMap[]; replaced: boolean } {
  let remaining = original;
  const plain: JsonMap[] = [];
  let replace = false;
  for (const item of patch) {
    if (!(directiveMarker in item)) {
      plain.push(item);
      continue;
    }
    const directive = item[directiveMarker];
    if (directive === 'delete') {
      if (!(mergeKey in item)) throw errNoMergeKey(item, mergeKey);
      remaining = remaining.filter((o) => o[mergeKey] !== item[mergeKey]);
    } else if (directive === 'replace') {
      replace = true;
    } else if (directive === 'merge') {
      throw patchInternal('merging lists cannot yet be specified in the patch');
    } else {
      throw errBadPatchType(directive, item);
    }
  }
  return replace ? { original: plain, patch: [], replaced: true } : { original: remaining, patch: plain, replaced: false };
}

/** Patch items merge into the live item with the same key, or are appended. */
function mergeByKey(original: JsonMap[], patch: JsonMap[], mergeKey: string, itemMeta: FieldMeta | undefined): JsonMap[] {
  const result = [...original];
  for (const item of patch) {
    const key = requireMergeKey(item, mergeKey);
    const index = result.findIndex((o) => {
      if (!isPlainObject(o)) throw patchInternal(`value for key ${goValue(o)} is not a map`);
      return mergeKey in o && o[mergeKey] === key;
    });
    // A new item goes through the same merge so directives nested in it are honoured, not stored.
    if (index >= 0) result[index] = mergeMap(result[index], item, itemMeta);
    else result.push(mergeMap(undefined, item, itemMeta));
  }
  return result;
}
