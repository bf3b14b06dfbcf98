import { test } from 'node:test';
import assert from 'node:assert/strict';
import { calculateStatus, hasTimedOut, pausedStatus, rolloutStatus, setCondition } from './status.js';
import type { DeploymentLike, DeploymentStatus, ReplicaSetLike } from './types.js';

const t0 = Date.parse('2026-01-01T00:00:00Z');

function deployment(replicas: number, status: DeploymentStatus = {}): DeploymentLike {
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', generation: 2 }, spec: { replicas, progressDeadlineSeconds: 600 }, status };
}

function rs(name: string, replicas: number, ready: number, available: number): ReplicaSetLike {
  return { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name }, spec: { replicas }, status: { replicas, readyReplicas: ready, availableReplicas: available } };
}

test('status counts every ReplicaSet; updated counts only the new one', () => {
  const fresh = rs('new', 2, 1, 1);
  const s = calculateStatus(deployment(4), [rs('old', 3, 3, 3), fresh], fresh, t0);
  assert.deepEqual([s.replicas, s.updatedReplicas, s.readyReplicas, s.availableReplicas, s.unavailableReplicas, s.observedGeneration], [5, 2, 4, 4, 1, 2]);
  assert.equal(s.conditions![0].reason, 'MinimumReplicasAvailable');
});

test('Available is False below replicas - maxUnavailable', () => {
  const fresh = rs('new', 4, 0, 2);
  const s = calculateStatus(deployment(4), [fresh], fresh, t0);
  // 25% of 4 = 1 may be unavailable: 2 available < 3.
  assert.deepEqual(s.conditions!.map((c) => [c.type, c.status, c.reason, c.message]), [['Available', 'False', 'MinimumReplicasUnavailable', 'Deployment does not have minimum availability.']]);
});

test('a condition keeps its transition time while its status holds, and moves last when replaced', () => {
  const s: DeploymentStatus = { conditions: [{ type: 'Progressing', status: 'True', reason: 'NewReplicaSetCreated', lastTransitionTime: 'T1', lastUpdateTime: 'T1' }, { type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable' }] };
  setCondition(s, { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable', lastTransitionTime: 'T2', lastUpdateTime: 'T2' });
  assert.deepEqual(s.conditions!.map((c) => c.type), ['Available', 'Progressing']);
  assert.equal(s.conditions![1].lastTransitionTime, 'T1');
});

test('a finished rollout reports NewReplicaSetAvailable', () => {
  const fresh = rs('web-abc', 3, 3, 3);
  const s = rolloutStatus(deployment(3), [fresh], fresh, t0);
  const p = s.conditions!.find((c) => c.type === 'Progressing')!;
  assert.deepEqual([p.status, p.reason, p.message], ['True', 'NewReplicaSetAvailable', 'ReplicaSet "web-abc" has successfully progressed.']);
});

test('no progress for progressDeadlineSeconds is ProgressDeadlineExceeded', () => {
  const old: DeploymentStatus = { replicas: 3, updatedReplicas: 1, availableReplicas: 2, readyReplicas: 2, conditions: [{ type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated', lastUpdateTime: '2026-01-01T00:00:00Z', lastTransitionTime: '2026-01-01T00:00:00Z' }] };
  const d = deployment(3, old);
  const fresh = rs('web-abc', 1, 0, 0);
  const all = [rs('web-old', 2, 2, 2), fresh];
  assert.equal(hasTimedOut(d, old, t0 + 599_000), false);
  const s = rolloutStatus(d, all, fresh, t0 + 601_000);
  const p = s.conditions!.find((c) => c.type === 'Progressing')!;
  assert.deepEqual([p.status, p.reason, p.message], ['False', 'ProgressDeadlineExceeded', 'ReplicaSet "web-abc" has timed out progressing.']);
});

test('pausing and resuming show on Progressing, but never over a timed-out rollout', () => {
  const d = deployment(3, { conditions: [{ type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable' }] });
  d.spec!.paused = true;
  const paused = pausedStatus(d, t0)!;
  assert.deepEqual(paused.conditions!.map((c) => [c.type, c.status, c.reason, c.message]), [['Progressing', 'Unknown', 'DeploymentPaused', 'Deployment is paused']]);
  assert.equal(pausedStatus({ ...d, status: paused }, t0), undefined);
  const resumed = pausedStatus({ ...d, spec: { ...d.spec, paused: false }, status: paused }, t0)!;
  assert.equal(resumed.conditions![0].reason, 'DeploymentResumed');
  const timedOut = deployment(3, { conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }] });
  timedOut.spec!.paused = true;
  assert.equal(pausedStatus(timedOut, t0), undefined);
});

test("a ReplicaSet's ReplicaFailure shows on the Deployment and clears with it", () => {
  const fresh = rs('web-abc', 3, 0, 0);
  fresh.status!.conditions = [{ type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: 'pods "web-abc-x" is forbidden', lastTransitionTime: 'T' }];
  const s = rolloutStatus(deployment(3), [fresh], fresh, t0);
  assert.deepEqual(s.conditions!.find((c) => c.type === 'ReplicaFailure'), { type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: 'pods "web-abc-x" is forbidden', lastUpdateTime: 'T', lastTransitionTime: 'T' });
  const healed = rolloutStatus({ ...deployment(3), status: s }, [rs('web-abc', 3, 0, 0)], rs('web-abc', 3, 0, 0), t0);
  assert.equal(healed.conditions!.some((c) => c.type === 'ReplicaFailure'), false);
});

test('without progressDeadlineSeconds there is no Progressing condition', () => {
  const d = deployment(3, { conditions: [{ type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable' }] });
  delete d.spec!.progressDeadlineSeconds;
  const fresh = rs('web-abc', 3, 3, 3);
  assert.deepEqual(rolloutStatus(d, [fresh], fresh, t0).conditions!.map((c) => c.type), ['Available']);
});
