import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildNewReplicaSet, findNewReplicaSet, newReplicaSetAnnotations, replicaSetsToPrune } from './revisions.js';
import type { DeploymentLike, ReplicaSetLike } from './types.js';

const template = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx' }] } };
const d: DeploymentLike = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default', uid: 'd-uid', annotations: { 'kubernetes.io/change-cause': 'first', 'kubectl.kubernetes.io/last-applied-configuration': '{}', 'deployment.kubernetes.io/revision': '3' } },
  spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template },
};

function rs(name: string, revision: number, replicas: number, image = 'nginx'): ReplicaSetLike {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name, annotations: { 'deployment.kubernetes.io/revision': String(revision) }, creationTimestamp: `2026-01-0${revision}T00:00:00Z` },
    spec: { replicas, template: { metadata: { labels: { app: 'web', 'pod-template-hash': name } }, spec: { containers: [{ name: 'web', image }] } } },
    status: { replicas },
  };
}

test('the new ReplicaSet is named after the hash, carries it in labels and selector, and inherits annotations', () => {
  const created = buildNewReplicaSet(d, 1, 4, 1);
  const hash = created.metadata.labels!['pod-template-hash'];
  assert.equal(created.metadata.name, `web-${hash}`);
  assert.deepEqual((created.spec!.selector as { matchLabels: Record<string, string> }).matchLabels, { app: 'web', 'pod-template-hash': hash });
  assert.equal(created.spec!.template!.metadata!.labels!['pod-template-hash'], hash);
  assert.equal(created.metadata.annotations!['kubernetes.io/change-cause'], 'first');
  assert.equal(created.metadata.annotations!['deployment.kubernetes.io/revision'], '4');
  assert.equal(created.metadata.annotations!['kubectl.kubernetes.io/last-applied-configuration'], undefined);
  assert.equal(created.metadata.annotations!['deployment.kubernetes.io/max-replicas'], '4');
  assert.deepEqual(created.metadata.ownerReferences, [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'd-uid', controller: true, blockOwnerDeletion: true }]);
  assert.equal(d.spec!.template!.metadata!.labels!['pod-template-hash'], undefined, 'the Deployment is not changed');
});

test('the new ReplicaSet is found by template, ignoring pod-template-hash', () => {
  const a = rs('a', 1, 0, 'nginx:1.0');
  const b = rs('b', 2, 3);
  assert.equal(findNewReplicaSet(d, [a, b]), b);
  assert.equal(findNewReplicaSet(d, [a]), undefined);
});

test('rolling back to an old ReplicaSet moves its revision up and records the old one in history', () => {
  const old = rs('a', 1, 0);
  const next = newReplicaSetAnnotations(d, old, 3)!;
  assert.equal(next['deployment.kubernetes.io/revision'], '3');
  assert.equal(next['deployment.kubernetes.io/revision-history'], '1');
  assert.equal(newReplicaSetAnnotations(d, { ...old, metadata: { ...old.metadata, annotations: next } }, 3), undefined);
});

test('revision history: only empty old ReplicaSets beyond the limit go, lowest revision first', () => {
  const limited: DeploymentLike = { ...d, spec: { ...d.spec, revisionHistoryLimit: 1 } };
  const olds = [rs('r3', 3, 0), rs('r1', 1, 0), rs('r2', 2, 0), rs('busy', 4, 2)];
  assert.deepEqual(replicaSetsToPrune(limited, olds).map((r) => r.metadata.name), ['r1', 'r2']);
});
