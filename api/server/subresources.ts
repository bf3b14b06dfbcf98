/**
 * Subresources: status (GET/PUT/PATCH), scale (an autoscaling/v1 Scale view of Deployments and
 * ReplicaSets), pods/binding (the scheduler's write), and pods/log|exec which the node agent
 * serves: without one they answer with a clear Status.
 */
import { ApiError, badRequest, conflict, methodNotAllowed, notFound } from '../errors.js';
import { isPlainObject, type KubeObject } from '../types.js';
import { formatLabelSelector } from '../tables/index.js';
import { decodeBody, mediaType, readBody, sendJson } from './http-util.js';
import { applyPatchBody, handleGet, handlePatch, handleUpdate, type HandlerContext } from './resource-handler.js';

export interface PodConnector {
  /** Streams GET pods/{name}/log. */
  logs(ctx: HandlerContext, pod: KubeObject): Promise<void>;
}

export async function handleSubresource(ctx: HandlerContext, sub: string, verb: string, pods?: PodConnector): Promise<void> {
  const info = ctx.ri.subresources.find((s) => s.name === sub);
  if (!info) throw notFound(ctx.ri, `${ctx.name}/${sub}`);
  if (sub === 'status') return statusSubresource(ctx, verb);
  if (sub === 'scale') return scaleSubresource(ctx, verb);
  if (sub === 'finalize' && verb === 'update') return handleUpdate(ctx, 'finalize');
  if (sub === 'binding' && verb === 'connect') return bindPod(ctx);
  if (sub === 'log' && verb === 'get') {
    const pod = ctx.registry.get(ctx.ri, ctx.namespace, ctx.name!);
    if (!pods) throw noNodeAgent(pod);
    return pods.logs(ctx, pod);
  }
  throw methodNotAllowed();
}

function noNodeAgent(pod: KubeObject): ApiError {
  const node = (pod.spec as { nodeName?: string } | undefined)?.nodeName;
  if (!node) return badRequest(`pod ${pod.metadata.name} does not have a host assigned`);
  return new ApiError(503, 'ServiceUnavailable', `no node agent serves node "${node}" (start it with \`svcnet agent\` or \`svcnet up\`)`);
}

async function statusSubresource(ctx: HandlerContext, verb: string): Promise<void> {
  if (verb === 'get') return handleGet(ctx);
  if (verb === 'update') return handleUpdate(ctx, 'status');
  if (verb === 'patch') return handlePatch(ctx, 'status');
  throw methodNotAllowed();
}

function scaleOf(obj: KubeObject): KubeObject {
  const spec = (obj.spec ?? {}) as { replicas?: number; selector?: unknown };
  const status = (obj.status ?? {}) as { replicas?: number };
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: obj.metadata.name,
      namespace: obj.metadata.namespace,
      uid: obj.metadata.uid,
      resourceVersion: obj.metadata.resourceVersion,
      creationTimestamp: obj.metadata.creationTimestamp,
    },
    spec: { replicas: spec.replicas ?? 0 },
    status: { replicas: status.replicas ?? 0, selector: spec.selector ? formatLabelSelector(spec.selector) : '' },
  };
}

async function scaleSubresource(ctx: HandlerContext, verb: string): Promise<void> {
  const current = ctx.registry.get(ctx.ri, ctx.namespace, ctx.name!);
  if (verb === 'get') return sendJson(ctx.res, 200, scaleOf(current));
  if (verb !== 'update' && verb !== 'patch') throw methodNotAllowed();
  const raw = await readBody(ctx.req);
  const type = mediaType(ctx.req.headers['content-type']);
  let scale: KubeObject;
  if (verb === 'update') {
    scale = decodeBody(raw, type) as KubeObject;
  } else {
    scale = applyPatchBody({ ...ctx.ri, kind: 'Scale' }, type, scaleOf(current), decodeBody(raw, type, [type]), ctx.query);
  }
  if (!isPlainObject(scale) || !isPlainObject(scale.spec)) throw badRequest('the body of the request was not a Scale object');
  const replicas = (scale.spec as { replicas?: unknown }).replicas;
  const rv = isPlainObject(scale.metadata) ? scale.metadata.resourceVersion : undefined;
  if (rv && rv !== current.metadata.resourceVersion) throw conflict(ctx.ri, ctx.name!);
  const updated = ctx.registry.modify(ctx.ri, ctx.namespace, ctx.name!, (obj) => {
    (obj.spec as { replicas?: unknown }).replicas = replicas;
    return obj;
  });
  sendJson(ctx.res, 200, scaleOf(updated.object));
}

async function bindPod(ctx: HandlerContext): Promise<void> {
  const body = decodeBody(await readBody(ctx.req), ctx.req.headers['content-type']);
  const target = isPlainObject(body) && isPlainObject(body.target) ? (body.target as { name?: string }) : undefined;
  if (!target?.name) throw badRequest('Binding.target.name is required');
  const result = ctx.registry.modify(ctx.ri, ctx.namespace, ctx.name!, (pod) => {
    const spec = pod.spec as { nodeName?: string };
    if (spec.nodeName) throw conflict({ group: '', resource: 'pods/binding' }, ctx.name!, `pod ${ctx.name} is already assigned to node "${spec.nodeName}"`);
    if (pod.metadata.deletionTimestamp) throw conflict({ group: '', resource: 'pods/binding' }, ctx.name!, `pod ${ctx.name} is being deleted, cannot be assigned to a host`);
    spec.nodeName = target.name;
    return pod;
  });
  // The scheduled condition is status: set it through the status path, as the scheduler does.
  ctx.registry.modify(ctx.ri, ctx.namespace, ctx.name!, (pod) => {
    const status = (pod.status ?? {}) as { conditions?: { type: string }[] };
    const conditions = (status.conditions ?? []).filter((c) => c.type !== 'PodScheduled');
    conditions.push({ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z') } as never);
    pod.status = { ...status, conditions };
    return pod;
  }, { subresource: 'status' });
  sendJson(ctx.res, 201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201, details: { name: result.object.metadata.name, kind: 'pods' } });
}
