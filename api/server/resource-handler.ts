/**
 * Handlers for the resource verbs: get, list, create, update, patch, delete, deletecollection.
 * They decode the request, call the registry, and shape the answer (object, List or Table).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { badRequest, methodNotAllowed, unsupportedMediaType, ApiError, notFound } from '../errors.js';
import { apiVersionOf, type ResourceInfo } from '../resources.js';
import type { KubeObject } from '../types.js';
import { isPlainObject } from '../types.js';
import type { Registry, WriteOptions, DeleteOptions } from '../registry/registry.js';
import { parseFieldValidation } from '../registry/field-validation.js';
import { encodeList, encodeObject, encodeTable } from './encode.js';
import { applyJsonPatch, applyMergePatch, applyServerSideApply, applyStrategicMergePatch } from '../patch/index.js';
import { convertLegacyIngress } from '../validation/index.js';
import { decodeBody, mediaType, readBody, sendJson, sendJsonText, warningHeaders } from './http-util.js';
import { presentationFor } from './negotiate.js';
import { decodeContinue, encodeContinue, filterFromQuery, parseLimit } from './list-query.js';
import { legacyIngressVersions } from '../resources.js';

export interface HandlerContext {
  registry: Registry;
  req: IncomingMessage;
  res: ServerResponse;
  query: URLSearchParams;
  ri: ResourceInfo;
  namespace?: string;
  name?: string;
  /** Open watch streams register their close function here, so the server can end them. */
  watches?: Set<() => void>;
  /**
   * The version the client addressed, when it differs from the stored one (an alias such as
   * extensions/v1beta1 Ingress): answers are converted to it by `present`.
   */
  view?: ResourceInfo;
  present?: (obj: KubeObject) => KubeObject;
}

const presentFor = (ctx: HandlerContext) => ctx.present ?? ((o: KubeObject) => o);

function now(): Date {
  return new Date();
}

export function handleGet(ctx: HandlerContext): void {
  const obj = presentFor(ctx)(ctx.registry.get(ctx.ri, ctx.namespace, ctx.name!));
  const p = presentationFor(ctx.req.headers.accept, ctx.query);
  if (p.table) {
    sendJsonText(ctx.res, 200, encodeTable(ctx.ri, [obj], { now: now(), includeObject: p.includeObject, resourceVersion: obj.metadata.resourceVersion }));
  } else {
    sendJsonText(ctx.res, 200, encodeObject(obj));
  }
}

export function handleList(ctx: HandlerContext): void {
  const { registry, ri, query } = ctx;
  const filter = filterFromQuery(ri, query);
  const limit = parseLimit(query.get('limit'));
  const cont = query.get('continue') ? decodeContinue(query.get('continue')!, registry.store.compactedRevision()) : undefined;
  const listed = registry.list(ri, ctx.namespace);
  const rev = cont?.rev ?? listed.rev;
  const items: KubeObject[] = [];
  let nextToken: string | undefined;
  let remaining = 0;
  for (const item of listed.items) {
    if (cont && item.key <= cont.after) continue;
    if (!filter.matches(item.value)) continue;
    if (limit > 0 && items.length === limit) {
      if (!nextToken) nextToken = encodeContinue({ rev, after: listed.items.find((i) => i.value === items[items.length - 1])!.key });
      remaining++;
      continue;
    }
    items.push(presentFor(ctx)(item.value));
  }
  const meta: { resourceVersion: string; continue?: string; remainingItemCount?: number } = { resourceVersion: String(rev) };
  if (nextToken) {
    meta.continue = nextToken;
    if (!filter.requiredName && query.get('labelSelector') === null && query.get('fieldSelector') === null) meta.remainingItemCount = remaining;
  }
  const p = presentationFor(ctx.req.headers.accept, query);
  if (p.table) {
    sendJsonText(ctx.res, 200, encodeTable(ri, items, { now: now(), includeObject: p.includeObject, resourceVersion: meta.resourceVersion, continueToken: meta.continue, remainingItemCount: meta.remainingItemCount }));
    return;
  }
  sendJsonText(ctx.res, 200, encodeList(ri, apiVersionOf(ctx.view ?? ri), meta, items));
}

function writeOptions(query: URLSearchParams): WriteOptions {
  const dryRun = query.getAll('dryRun');
  for (const d of dryRun) if (d !== 'All') throw badRequest(`Invalid dryRun value: ${d}. Supported values: "All"`);
  return {
    dryRun: dryRun.includes('All'),
    fieldManager: query.get('fieldManager') ?? undefined,
    fieldValidation: parseFieldValidation(query.get('fieldValidation')),
  };
}

/** Old Ingress manifests (extensions/v1beta1, networking.k8s.io/v1beta1) are converted on the way in. */
function convertIncoming(ri: ResourceInfo, body: unknown): KubeObject {
  if (!isPlainObject(body)) throw badRequest('the body of the request was not a JSON object');
  const obj = body as KubeObject;
  if (ri.resource === 'ingresses' && legacyIngressVersions.includes(obj.apiVersion)) return convertLegacyIngress(obj);
  return obj;
}

export async function handleCreate(ctx: HandlerContext): Promise<void> {
  const body = convertIncoming(ctx.ri, decodeBody(await readBody(ctx.req), ctx.req.headers['content-type']));
  const result = ctx.registry.create(ctx.ri, ctx.namespace, body, writeOptions(ctx.query));
  sendJson(ctx.res, 201, presentFor(ctx)(result.object), warningHeaders(result.warnings));
}

/** Kinds whose PUT creates a missing object, as upstream's AllowCreateOnUpdate says. */
const createOnUpdate = new Set(['endpoints', 'leases', 'events']);

export async function handleUpdate(ctx: HandlerContext, subresource?: 'status' | 'finalize'): Promise<void> {
  const body = convertIncoming(ctx.ri, decodeBody(await readBody(ctx.req), ctx.req.headers['content-type']));
  const opts = writeOptions(ctx.query);
  if (!subresource && createOnUpdate.has(ctx.ri.resource) && !ctx.registry.tryGet(ctx.ri, ctx.namespace, ctx.name!)) {
    if (isPlainObject(body.metadata) && body.metadata.name === undefined) body.metadata.name = ctx.name;
    const created = ctx.registry.create(ctx.ri, ctx.namespace, body, opts);
    sendJson(ctx.res, 201, presentFor(ctx)(created.object), warningHeaders(created.warnings));
    return;
  }
  const result = ctx.registry.update(ctx.ri, ctx.namespace, ctx.name!, body, { ...opts, subresource });
  sendJson(ctx.res, 200, presentFor(ctx)(result.object), warningHeaders(result.warnings));
}

const patchTypes = ['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json', 'application/apply-patch+yaml'];

/** Applies a PATCH body of the request's content type to `current` (undefined: object missing). */
export function applyPatchBody(ri: ResourceInfo, type: string, current: KubeObject | undefined, patch: unknown, query: URLSearchParams): KubeObject {
  if (type === 'application/apply-patch+yaml') {
    const applied = convertIncoming(ri, patch);
    // A missing fieldManager is refused by applyServerSideApply with the apiserver's own 422.
    return applyServerSideApply(current, applied, { fieldManager: query.get('fieldManager') ?? '', force: query.get('force') === 'true', kind: ri.kind, now: now() }) as KubeObject;
  }
  if (!current) throw new ApiError(404, 'NotFound', '', {});
  if (type === 'application/json-patch+json') return applyJsonPatch(current, patch) as KubeObject;
  if (!isPlainObject(patch)) throw badRequest(`json: cannot unmarshal ${Array.isArray(patch) ? 'array' : typeof patch} into Go value of type map[string]interface {}`);
  if (type === 'application/merge-patch+json') return applyMergePatch(current, patch) as KubeObject;
  return applyStrategicMergePatch(current, patch, ri.kind) as KubeObject;
}

export async function handlePatch(ctx: HandlerContext, subresource?: 'status'): Promise<void> {
  const type = mediaType(ctx.req.headers['content-type']);
  if (!patchTypes.includes(type)) {
    throw unsupportedMediaType(`the body of the request was in an unknown format - accepted media types include: ${patchTypes.join(', ')}`);
  }
  const patch = decodeBody(await readBody(ctx.req), type, [type]);
  const opts = writeOptions(ctx.query);
  const current = ctx.registry.tryGet(ctx.ri, ctx.namespace, ctx.name!);
  if (!current && type !== 'application/apply-patch+yaml') throw notFound(ctx.ri, ctx.name!);
  if (!current) {
    const obj = applyPatchBody(ctx.ri, type, undefined, patch, ctx.query);
    if (obj.metadata.name !== undefined && obj.metadata.name !== ctx.name) throw badRequest(`the name of the object (${obj.metadata.name}) does not match the name on the URL (${ctx.name})`);
    obj.metadata.name = ctx.name;
    const created = ctx.registry.create(ctx.ri, ctx.namespace, obj, opts);
    sendJson(ctx.res, 201, presentFor(ctx)(created.object), warningHeaders(created.warnings));
    return;
  }
  // Patches apply to the object as the client sees it (an old version: converted back after).
  const base = type === 'application/apply-patch+yaml' ? current : presentFor(ctx)(current);
  const next = convertIncoming(ctx.ri, applyPatchBody(ctx.ri, type, base, patch, ctx.query));
  // A patch that does not name a resourceVersion is unconditional: it applies to what it read.
  const patchRV = isPlainObject(patch) && isPlainObject(patch.metadata) ? patch.metadata.resourceVersion : undefined;
  if (!patchRV && next.metadata) next.metadata.resourceVersion = current.metadata.resourceVersion;
  const result = ctx.registry.update(ctx.ri, ctx.namespace, ctx.name!, next, { ...opts, subresource });
  sendJson(ctx.res, 200, presentFor(ctx)(result.object), warningHeaders(result.warnings));
}

async function deleteOptions(ctx: HandlerContext): Promise<DeleteOptions> {
  const opts: DeleteOptions = {};
  const raw = await readBody(ctx.req);
  if (raw.length > 0) {
    const body = decodeBody(raw, ctx.req.headers['content-type']);
    if (isPlainObject(body)) {
      if (typeof body.propagationPolicy === 'string') opts.propagationPolicy = body.propagationPolicy as DeleteOptions['propagationPolicy'];
      if (typeof body.gracePeriodSeconds === 'number') opts.gracePeriodSeconds = body.gracePeriodSeconds;
      if (body.orphanDependents === true) opts.propagationPolicy = 'Orphan';
      if (isPlainObject(body.preconditions)) opts.preconditions = body.preconditions as DeleteOptions['preconditions'];
      if (Array.isArray(body.dryRun) && body.dryRun.includes('All')) opts.dryRun = true;
    }
  }
  const q = ctx.query;
  if (q.get('propagationPolicy')) opts.propagationPolicy = q.get('propagationPolicy') as DeleteOptions['propagationPolicy'];
  if (q.get('gracePeriodSeconds')) opts.gracePeriodSeconds = Number(q.get('gracePeriodSeconds'));
  if (q.getAll('dryRun').includes('All')) opts.dryRun = true;
  const policies = ['Orphan', 'Background', 'Foreground'];
  if (opts.propagationPolicy && !policies.includes(opts.propagationPolicy)) {
    throw badRequest(`DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: "${opts.propagationPolicy}": supported values: "Foreground", "Background", "Orphan", "nil"`);
  }
  if (opts.gracePeriodSeconds !== undefined && (!Number.isInteger(opts.gracePeriodSeconds) || opts.gracePeriodSeconds < 0)) {
    throw badRequest(`invalid gracePeriodSeconds: ${opts.gracePeriodSeconds}`);
  }
  return opts;
}

export async function handleDelete(ctx: HandlerContext): Promise<void> {
  const opts = await deleteOptions(ctx);
  const { pending, object } = ctx.registry.delete(ctx.ri, ctx.namespace, ctx.name!, opts);
  if (pending || ctx.ri.resource === 'pods') {
    sendJson(ctx.res, 200, object);
    return;
  }
  sendJson(ctx.res, 200, {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Success',
    details: { name: ctx.name, group: ctx.ri.group || undefined, kind: ctx.ri.resource, uid: object.metadata.uid },
  });
}

export async function handleDeleteCollection(ctx: HandlerContext): Promise<void> {
  if (!ctx.ri.verbs.includes('deletecollection')) throw methodNotAllowed();
  const opts = await deleteOptions(ctx);
  const filter = filterFromQuery(ctx.ri, ctx.query);
  const listed = ctx.registry.list(ctx.ri, ctx.namespace);
  const deleted: KubeObject[] = [];
  for (const item of listed.items) {
    if (!filter.matches(item.value)) continue;
    const ns = item.value.metadata.namespace;
    try {
      deleted.push(ctx.registry.delete(ctx.ri, ns, item.value.metadata.name!, opts).object);
    } catch (err) {
      if (!(err instanceof ApiError && err.httpCode === 404)) throw err;
    }
  }
  sendJson(ctx.res, 200, { kind: ctx.ri.listKind, apiVersion: apiVersionOf(ctx.ri), metadata: { resourceVersion: String(ctx.registry.store.currentRevision()) }, items: deleted });
}
