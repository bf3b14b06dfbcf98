/**
 * Per-kind rules the registry applies around every write, as the upstream registry strategies
 * do (PrepareForCreate / PrepareForUpdate): which parts of an object a request may change through
 * the main endpoint and through /status, what the server sets on create, and when
 * metadata.generation moves.
 */
import type { ResourceInfo } from '../resources.js';
import type { KubeObject, ObjectMeta } from '../types.js';
import { clone, deepEqual } from './meta.js';
import { prepareServiceForUpdate } from '../validation/index.js';

type Obj = KubeObject & { spec?: Record<string, unknown>; status?: Record<string, unknown> };

/** Server-set status on create. Kinds with a status subresource start from an empty status. */
export function prepareForCreate(ri: ResourceInfo, obj: Obj): void {
  if (ri.tracksGeneration) obj.metadata.generation = 1;
  switch (ri.resource) {
    case 'pods':
      addDefaultTolerations(obj);
      obj.status = { phase: 'Pending', qosClass: podQOSClass(obj) };
      return;
    case 'namespaces':
      obj.spec = { ...(obj.spec ?? {}), finalizers: ['kubernetes'] };
      obj.status = { phase: 'Active' };
      return;
    case 'services':
      obj.status = { loadBalancer: {} };
      return;
    case 'nodes':
      return; // the node agent registers its node with status filled in
    default:
      if (ri.hasStatusSubresource) obj.status = ri.resource === 'ingresses' ? { loadBalancer: {} } : {};
  }
}

/** Main-endpoint update: status and server-owned metadata stay as stored; generation follows spec. */
export function prepareForUpdate(ri: ResourceInfo, obj: Obj, old: Obj): void {
  keepServerMetadata(obj.metadata, old.metadata);
  if (ri.hasStatusSubresource && ri.resource !== 'nodes') {
    if (old.status === undefined) delete obj.status;
    else obj.status = clone(old.status);
  }
  if (ri.resource === 'namespaces') obj.spec = clone(old.spec);
  // Keeps allocated values an update left out, drops those its new type cannot use, and clears
  // load balancer status when it stops being a LoadBalancer (upstream's Service PrepareForUpdate).
  if (ri.resource === 'services') prepareServiceForUpdate(obj, old);
  bumpGeneration(ri, obj, old);
}

/** namespaces/finalize: only spec.finalizers changes (the namespace controller's last step). */
export function prepareForFinalize(obj: Obj, old: Obj): void {
  const finalizers = (obj.spec as { finalizers?: unknown } | undefined)?.finalizers;
  for (const k of Object.keys(obj)) delete obj[k];
  Object.assign(obj, clone(old));
  obj.spec = { ...(old.spec ?? {}), finalizers: Array.isArray(finalizers) ? finalizers : [] };
}

/** /status update: only status changes; spec and user metadata stay as stored (ResetObjectMetaForStatus). */
export function prepareForStatusUpdate(ri: ResourceInfo, obj: Obj, old: Obj): void {
  keepServerMetadata(obj.metadata, old.metadata);
  const keep: (keyof ObjectMeta)[] = ['labels', 'annotations', 'finalizers', 'ownerReferences', 'generation'];
  for (const k of keep) {
    if (old.metadata[k] === undefined) delete obj.metadata[k];
    else obj.metadata[k] = clone(old.metadata[k]);
  }
  for (const field of Object.keys(old)) {
    if (field !== 'status' && field !== 'metadata' && field !== 'apiVersion' && field !== 'kind') obj[field] = clone(old[field]);
  }
  for (const field of Object.keys(obj)) {
    if (!(field in old) && field !== 'status' && field !== 'metadata' && field !== 'apiVersion' && field !== 'kind') delete obj[field];
  }
}

function keepServerMetadata(meta: ObjectMeta, old: ObjectMeta): void {
  meta.name = old.name;
  meta.namespace = old.namespace;
  meta.uid = old.uid;
  meta.creationTimestamp = old.creationTimestamp;
  if (old.generateName !== undefined) meta.generateName = old.generateName;
  if (old.deletionTimestamp !== undefined) {
    meta.deletionTimestamp = old.deletionTimestamp;
    meta.deletionGracePeriodSeconds = old.deletionGracePeriodSeconds;
  } else {
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
  }
  if (old.generation !== undefined) meta.generation = old.generation;
  else delete meta.generation;
}

/** Everything but metadata and status counts as spec (Deployment.spec, Ingress.spec, EndpointSlice.endpoints…). */
function specPart(o: Obj): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (k !== 'metadata' && k !== 'status' && k !== 'apiVersion' && k !== 'kind') out[k] = v;
  return out;
}

function bumpGeneration(ri: ResourceInfo, obj: Obj, old: Obj): void {
  if (!ri.tracksGeneration) return;
  const gen = old.metadata.generation ?? 1;
  const deleting = obj.metadata.deletionTimestamp !== undefined;
  obj.metadata.generation = !deepEqual(specPart(obj), specPart(old)) || (deleting && old.metadata.deletionTimestamp === undefined) ? gen + 1 : gen;
}

/**
 * What the DefaultTolerationSeconds admission plugin adds to every pod: tolerate a not-ready or
 * unreachable node for 300 s before eviction (kubectl describe pod shows these).
 */
function addDefaultTolerations(pod: Obj): void {
  const spec = (pod.spec ??= {}) as { tolerations?: { key?: string; effect?: string }[] };
  const tolerations = spec.tolerations ?? [];
  for (const key of ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']) {
    if (tolerations.some((t) => (t.key === key || t.key === undefined) && (t.effect === 'NoExecute' || t.effect === undefined))) continue;
    tolerations.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 } as never);
  }
  spec.tolerations = tolerations;
}

/** Guaranteed when every container sets equal cpu and memory requests and limits; BestEffort when none sets any. */
export function podQOSClass(pod: Obj): string {
  const spec = pod.spec ?? {};
  const containers = [...((spec.containers as unknown[]) ?? []), ...((spec.initContainers as unknown[]) ?? [])] as { resources?: { requests?: Record<string, string>; limits?: Record<string, string> } }[];
  let any = false;
  let guaranteed = containers.length > 0;
  for (const c of containers) {
    const req = { ...(c.resources?.limits ?? {}), ...(c.resources?.requests ?? {}) };
    const lim = c.resources?.limits ?? {};
    if (Object.keys(req).length || Object.keys(lim).length) any = true;
    for (const r of ['cpu', 'memory']) {
      if (!lim[r] || req[r] !== lim[r]) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}
