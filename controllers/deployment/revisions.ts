/**
 * Revisions and annotations (deployment/util): which ReplicaSet is "new" (its template equals the
 * Deployment's, ignoring pod-template-hash), revision numbers, the annotations a ReplicaSet
 * inherits, and the new ReplicaSet itself.
 */
import { creationMs } from '../replicaset/pod-state.js';
import { ownerReferenceTo } from '../replicaset/reconcile.js';
import { computeHash } from './hash.js';
import { byCreation } from './rolling.js';
import { desiredReplicasAnnotation, maxReplicasAnnotation, podTemplateHashLabel, revisionAnnotation, revisionHistoryAnnotation, type DeploymentLike, type ReplicaSetLike } from './types.js';

/** Annotations that belong to the Deployment itself and are never copied to its ReplicaSets. */
const notCopied = new Set(['kubectl.kubernetes.io/last-applied-configuration', revisionAnnotation, revisionHistoryAnnotation, desiredReplicasAnnotation, maxReplicasAnnotation, 'deprecated.deployment.rollback.to']);

export function revisionOf(obj: { metadata: { annotations?: Record<string, string> } } | undefined): number {
  const v = Number.parseInt(obj?.metadata.annotations?.[revisionAnnotation] ?? '', 10);
  return Number.isNaN(v) ? 0 : v;
}

export function maxRevision(rss: readonly ReplicaSetLike[]): number {
  return rss.reduce((m, rs) => Math.max(m, revisionOf(rs)), 0);
}

function withoutHashLabel(template: unknown): unknown {
  const t = structuredClone(template ?? {}) as { metadata?: { labels?: Record<string, string> } };
  if (t.metadata?.labels) {
    delete t.metadata.labels[podTemplateHashLabel];
    if (Object.keys(t.metadata.labels).length === 0) delete t.metadata.labels;
  }
  return t;
}

/** EqualIgnoreHash, on canonical JSON (both sides come defaulted from the same server). */
export function equalIgnoreHash(a: unknown, b: unknown): boolean {
  return canonical(withoutHashLabel(a)) === canonical(withoutHashLabel(b));
}

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const entries = Object.entries(v).filter(([, x]) => x !== undefined && x !== null);
    return `{${entries.sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, x]) => `${JSON.stringify(k)}:${canonical(x)}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

/** FindNewReplicaSet: the oldest ReplicaSet whose template is the Deployment's. */
export function findNewReplicaSet(d: DeploymentLike, rss: readonly ReplicaSetLike[]): ReplicaSetLike | undefined {
  return byCreation(rss).find((rs) => equalIgnoreHash(rs.spec?.template, d.spec?.template));
}

/** The ReplicaSet for the Deployment's current template, named `<deployment>-<pod-template-hash>`. */
export function buildNewReplicaSet(d: DeploymentLike, replicas: number, revision: number, maxSurgeCount: number): ReplicaSetLike {
  const hash = computeHash(d.spec?.template, d.status?.collisionCount);
  const template = structuredClone(d.spec?.template ?? {});
  template.metadata = { ...(template.metadata ?? {}), labels: { ...(template.metadata?.labels ?? {}), [podTemplateHashLabel]: hash } };
  const selector = structuredClone(d.spec?.selector ?? {});
  selector.matchLabels = { ...(selector.matchLabels ?? {}), [podTemplateHashLabel]: hash };
  const annotations = inheritedAnnotations(d);
  annotations[revisionAnnotation] = String(revision);
  annotations[desiredReplicasAnnotation] = String(d.spec?.replicas ?? 1);
  annotations[maxReplicasAnnotation] = String((d.spec?.replicas ?? 1) + maxSurgeCount);
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `${d.metadata.name}-${hash}`,
      namespace: d.metadata.namespace,
      labels: template.metadata.labels,
      annotations,
      ownerReferences: [ownerReferenceTo(d)],
    },
    spec: { replicas, ...(d.spec?.minReadySeconds ? { minReadySeconds: d.spec.minReadySeconds } : {}), selector, template },
  };
}

/** The Deployment's own annotations a ReplicaSet carries (kubernetes.io/change-cause among them). */
export function inheritedAnnotations(d: DeploymentLike): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) if (!notCopied.has(k)) out[k] = v;
  return out;
}

/**
 * SetNewReplicaSetAnnotations: copy the Deployment's annotations and move the revision up; the
 * superseded revision numbers go to revision-history. Returns the annotations, or undefined when
 * nothing changes.
 */
export function newReplicaSetAnnotations(d: DeploymentLike, rs: ReplicaSetLike, newRevision: number): Record<string, string> | undefined {
  const current = rs.metadata.annotations ?? {};
  const next: Record<string, string> = { ...current, ...inheritedAnnotations(d) };
  const old = revisionOf(rs);
  if (old < newRevision) {
    next[revisionAnnotation] = String(newRevision);
    if (old > 0) next[revisionHistoryAnnotation] = current[revisionHistoryAnnotation] ? `${current[revisionHistoryAnnotation]},${old}` : String(old);
  }
  const same = Object.keys(next).length === Object.keys(current).length && Object.entries(next).every(([k, v]) => current[k] === v);
  return same ? undefined : next;
}

/** The replica annotations every scale writes, so a later scale of the Deployment can be detected. */
export function replicaAnnotations(d: DeploymentLike, maxSurgeCount: number): Record<string, string> {
  const desired = d.spec?.replicas ?? 1;
  return { [desiredReplicasAnnotation]: String(desired), [maxReplicasAnnotation]: String(desired + maxSurgeCount) };
}

/** cleanupDeployment: old, empty ReplicaSets beyond revisionHistoryLimit, lowest revision first. */
export function replicaSetsToPrune(d: DeploymentLike, oldRSs: readonly ReplicaSetLike[]): ReplicaSetLike[] {
  const limit = d.spec?.revisionHistoryLimit ?? 10;
  const empty = oldRSs.filter((rs) => (rs.spec?.replicas ?? 0) === 0 && (rs.status?.replicas ?? 0) === 0 && !rs.metadata.deletionTimestamp);
  const excess = empty.length - limit;
  if (excess <= 0) return [];
  const byRevision = [...empty].sort((a, b) => revisionOf(a) - revisionOf(b) || creationMs(a) - creationMs(b));
  return byRevision.slice(0, excess);
}
