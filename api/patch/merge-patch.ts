/**
 * application/merge-patch+json (RFC 7386) as kube-apiserver applies it with evanphx/json-patch:
 * objects merge, `null` deletes, anything else replaces. New content is stored without its
 * null-valued object keys.
 */
import { isPlainObject } from '../types.js';
import { jsonKindName } from './go-format.js';
import { patchBadRequest } from './patch-errors.js';

type JsonMap = Record<string, unknown>;

/** Applies `patch` to a copy of `original`. */
export function applyMergePatch(original: object, patch: object): object {
  // The apiserver first decodes the body into a map (fieldValidation Strict/Warn, the default).
  if (patch === null) throw patchBadRequest('Invalid JSON Patch');
  if (!isPlainObject(patch)) throw patchBadRequest(`error decoding patch: json: cannot unmarshal ${jsonKindName(patch)} into Go value of type map[string]interface {}`);
  return mergeDocs(structuredClone(original) as JsonMap, structuredClone(patch));
}

function mergeDocs(doc: JsonMap, patch: JsonMap): JsonMap {
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete doc[key];
    else if (!Object.prototype.hasOwnProperty.call(doc, key) || doc[key] === null) doc[key] = pruneNulls(value);
    else doc[key] = mergeValue(doc[key], value);
  }
  return doc;
}

function mergeValue(current: unknown, patch: unknown): unknown {
  if (!isPlainObject(current)) return pruneNulls(patch);
  if (!isPlainObject(patch)) return patch;
  return mergeDocs(current, patch);
}

/** Removes null-valued keys of objects, at any depth; nulls inside arrays stay (as upstream). */
function pruneNulls(v: unknown): unknown {
  if (Array.isArray(v)) v.forEach(pruneNulls);
  else if (isPlainObject(v)) {
    for (const [k, x] of Object.entries(v)) {
      if (x === null) delete v[k];
      else pruneNulls(x);
    }
  }
  return v;
}
