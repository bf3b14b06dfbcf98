/**
 * application/json-patch+json (RFC 6902), applied with fast-json-patch and answered the way
 * kube-apiserver answers it: a body that does not decode as a list of operations is a 400, more
 * than 10000 operations a 413, and any operation that fails (test, missing path, unknown op) the
 * generic 422 whose text kubectl prints as "the server rejected our request due to an error in our request".
 */
import fastJsonPatch from 'fast-json-patch';
import { requestEntityTooLarge } from '../errors.js';
import { isPlainObject } from '../types.js';
import { jsonKindName } from './go-format.js';
import { patchBadRequest, patchUnprocessable } from './patch-errors.js';

const maxJSONPatchOperations = 10000;
const rfcOperations = ['add', 'remove', 'replace', 'move', 'copy', 'test'];

type Operation = Parameters<typeof fastJsonPatch.applyPatch>[1][number];

/** The apiserver decodes the body strictly into []jsonPatchOp{op, path, from string; value} first. */
function decodeOperations(ops: unknown): Operation[] {
  const decodeError = (what: string) => patchBadRequest(`error decoding patch: json: cannot unmarshal ${what}`);
  if (ops === null) return [];
  if (!Array.isArray(ops)) throw decodeError(`${jsonKindName(ops)} into Go value of type []handlers.jsonPatchOp`);
  for (const op of ops) {
    if (op === null) continue;
    if (!isPlainObject(op)) throw decodeError(`${jsonKindName(op)} into Go value of type handlers.jsonPatchOp`);
    for (const field of ['op', 'path', 'from']) {
      const v = op[field];
      if (v !== undefined && v !== null && typeof v !== 'string') throw decodeError(`${jsonKindName(v)} into Go struct field jsonPatchOp.${field} of type string`);
    }
  }
  return structuredClone(ops) as Operation[];
}

/** Applies RFC 6902 `ops` to a copy of `original`. */
export function applyJsonPatch(original: object, ops: unknown): object {
  const operations = decodeOperations(ops);
  if (operations.length > maxJSONPatchOperations) {
    throw requestEntityTooLarge(`Request entity too large: The allowed maximum operations in a JSON patch is ${maxJSONPatchOperations}, got ${operations.length}`);
  }
  // fast-json-patch also knows a private `_get`; evanphx/json-patch rejects anything outside the RFC
  // (a null operation decodes to an empty one and fails the same way).
  if (operations.some((op) => op === null || !rfcOperations.includes(op.op))) throw patchUnprocessable();
  try {
    return fastJsonPatch.applyPatch(structuredClone(original), operations, true, true).newDocument;
  } catch {
    // Every failure of an operation (JsonPatchError or a malformed pointer) is the same 422 upstream.
    throw patchUnprocessable();
  }
}
