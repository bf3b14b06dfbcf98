import { test } from 'node:test';
import assert from 'node:assert/strict';
import { labelSelectorFromSpec } from '../../api/selectors/index.js';
import { claimObjects, computeReplicaSetStatus, planReplicas, podFromTemplate, slowStartBatches, type ReplicaSetLike } from './reconcile.js';
import type { PodLike } from './pod-state.js';

const now = Date.parse('2026-01-01T00:10:00Z');
const rs: ReplicaSetLike = {
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  metadata: { name: 'web-abc', namespace: 'default', uid: 'rs-uid', generation: 3 },
  spec: { replicas: 2, minReadySeconds: 60, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web', tier: 'fe' }, annotations: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
};

function pod(name: string, labels: Record<string, string>, owner?: string, readySince?: string): PodLike {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', uid: `${name}-uid`, labels, ownerReferences: owner ? [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'x', uid: owner, controller: true }] : undefined },
    status: readySince ? { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: readySince }] } : { phase: 'Pending' },
  };
}

test('claims: ours and matching are kept, matching orphans adopted, ours that stopped matching released, others left alone', () => {
  const selector = labelSelectorFromSpec(rs.spec!.selector);
  const claims = claimObjects(rs, selector, [pod('mine', { app: 'web' }, 'rs-uid'), pod('orphan', { app: 'web' }), pod('strayed', { app: 'other' }, 'rs-uid'), pod('theirs', { app: 'web' }, 'other-uid'), pod('unrelated', { app: 'db' })]);
  assert.deepEqual([claims.owned, claims.adopt, claims.release].map((l) => l.map((p) => p.metadata.name)), [['mine'], ['orphan'], ['strayed']]);
});

test('a ReplicaSet being deleted adopts nothing', () => {
  const deleting = { ...rs, metadata: { ...rs.metadata, deletionTimestamp: '2026-01-01T00:00:00Z' } };
  assert.deepEqual(claimObjects(deleting, labelSelectorFromSpec(rs.spec!.selector), [pod('orphan', { app: 'web' })]).adopt, []);
});

test('the plan creates the shortfall and deletes the surplus, not-ready pods first', () => {
  assert.deepEqual(planReplicas(rs, [pod('a', { app: 'web' })], [], now), { action: 'create', count: 1 });
  const ready = pod('ready', { app: 'web' }, 'rs-uid', '2026-01-01T00:00:00Z');
  const plan = planReplicas(rs, [ready, pod('p1', { app: 'web' }), pod('p2', { app: 'web' })], [], now);
  assert.equal(plan.action, 'delete');
  assert.deepEqual(plan.action === 'delete' && plan.pods.map((p) => p.metadata.name).sort(), ['p1']);
});

test('creations go in slow-start batches 1, 2, 4, …', () => {
  assert.deepEqual(slowStartBatches(10), [1, 2, 4, 3]);
  assert.deepEqual(slowStartBatches(1), [1]);
  assert.deepEqual(slowStartBatches(0), []);
});

test('pods come from the template with generateName and a controller reference', () => {
  const p = podFromTemplate(rs);
  assert.equal(p.metadata.generateName, 'web-abc-');
  assert.deepEqual(p.metadata.labels, { app: 'web', tier: 'fe' });
  assert.deepEqual(p.metadata.annotations, { a: 'b' });
  assert.deepEqual(p.metadata.ownerReferences, [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-abc', uid: 'rs-uid', controller: true, blockOwnerDeletion: true }]);
  assert.deepEqual(p.spec, rs.spec!.template!.spec);
  assert.notEqual(p.spec, rs.spec!.template!.spec);
});

test('status: available only after minReadySeconds; fully labeled needs every template label; zeros omitted', () => {
  const longReady = pod('a', { app: 'web', tier: 'fe' }, 'rs-uid', '2026-01-01T00:00:00Z');
  const justReady = pod('b', { app: 'web' }, 'rs-uid', '2026-01-01T00:09:30Z');
  assert.deepEqual(computeReplicaSetStatus(rs, [longReady, justReady], now), { replicas: 2, fullyLabeledReplicas: 1, readyReplicas: 2, availableReplicas: 1, observedGeneration: 3 });
  assert.deepEqual(computeReplicaSetStatus(rs, [], now), { replicas: 0, observedGeneration: 3 });
});

test('a failing create shows as ReplicaFailure until a sync succeeds', () => {
  const failing = computeReplicaSetStatus(rs, [], now, 'pods "web-abc-x" is forbidden: exceeded quota');
  assert.deepEqual(failing.conditions?.map((c) => [c.type, c.status, c.reason, c.message]), [['ReplicaFailure', 'True', 'FailedCreate', 'pods "web-abc-x" is forbidden: exceeded quota']]);
  const recovered = computeReplicaSetStatus({ ...rs, status: failing }, [], now);
  assert.equal(recovered.conditions, undefined);
});
