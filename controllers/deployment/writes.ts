/**
 * The Deployment controller's writes. Each takes the private copy of the Deployment the sync
 * works on and keeps it current (status, resourceVersion), so later steps of the same sync see
 * what was written.
 */
import { isConflict, isNotFound } from '../../client/client-error.js';
import type { ApiClient } from '../../client/rest.js';
import { replicaSetsResource } from '../replicaset/controller.js';
import { findResource } from '../../api/resources.js';
import { replicaAnnotations } from './revisions.js';
import { maxSurge, specReplicas, type ScaleStep } from './rolling.js';
import { revisionAnnotation, type DeploymentLike, type DeploymentStatus, type ReplicaSetLike } from './types.js';

const deploymentsResource = findResource('apps', 'v1', 'deployments')!;
const fieldManager = 'deployment-controller';

/** The Deployment's revision annotation is metadata, so it goes through the main endpoint. */
export async function writeDeploymentRevision(client: ApiClient, d: DeploymentLike, revision: number): Promise<void> {
  if (revision <= 0 || d.metadata.annotations?.[revisionAnnotation] === String(revision)) return;
  const body = { metadata: { annotations: { [revisionAnnotation]: String(revision) } } };
  const updated = await client.patch<DeploymentLike>(deploymentsResource, d.metadata.namespace, d.metadata.name!, body, 'merge', { fieldManager });
  d.metadata.annotations = updated.metadata.annotations;
  d.metadata.resourceVersion = updated.metadata.resourceVersion;
}

/**
 * A ReplicaSet's size and replica annotations, as a compare-and-swap update on the cached
 * resourceVersion: a decision taken on a stale cache fails with a conflict and is taken again.
 * Returns the ReplicaSet as written (or as it was, when nothing changes).
 */
export async function writeReplicaSetScale(client: ApiClient, d: DeploymentLike, step: ScaleStep): Promise<ReplicaSetLike> {
  const { rs, replicas } = step;
  const annotations = { ...(rs.metadata.annotations ?? {}), ...replicaAnnotations(d, maxSurge(d)) };
  const annotationsChanged = Object.entries(annotations).some(([k, v]) => rs.metadata.annotations?.[k] !== v);
  if (specReplicas(rs) === replicas && !annotationsChanged) return rs;
  const next = structuredClone(rs);
  next.metadata.annotations = annotations;
  next.spec = { ...next.spec, replicas };
  return client.update(replicaSetsResource, rs.metadata.namespace, next, { fieldManager });
}

const statusFields = ['observedGeneration', 'replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas', 'unavailableReplicas', 'conditions', 'collisionCount'] as const;

/** A merge patch of the whole status; zero counts are removed, as the wire form omits them. */
export async function writeDeploymentStatus(client: ApiClient, d: DeploymentLike, status: DeploymentStatus): Promise<void> {
  if (canonical(d.status ?? {}) === canonical(withoutZeros(status))) return;
  const body: Record<string, unknown> = {};
  for (const k of statusFields) body[k] = isZero(status[k]) ? null : status[k];
  try {
    const updated = await client.patchStatus<DeploymentLike>(deploymentsResource, d.metadata.namespace, d.metadata.name!, { status: body }, 'merge', { fieldManager });
    d.status = updated.status;
    d.metadata.resourceVersion = updated.metadata.resourceVersion;
  } catch (err) {
    // Gone, or changed meanwhile: the next sync writes from fresh data.
    if (!isNotFound(err) && !isConflict(err)) throw err;
  }
}

function isZero(v: unknown): boolean {
  return v === undefined || v === 0 || (Array.isArray(v) && v.length === 0);
}

function withoutZeros(s: DeploymentStatus): DeploymentStatus {
  return Object.fromEntries(statusFields.filter((k) => !isZero(s[k])).map((k) => [k, s[k]])) as DeploymentStatus;
}

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${k}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}
