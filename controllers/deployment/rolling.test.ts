import { test } from 'node:test';
import assert from 'node:assert/strict';
import { maxSurge, maxUnavailable, newRSNewReplicas, planOldScaleDown, resolveFenceposts, scaledValue } from './rolling.js';
import type { DeploymentLike, ReplicaSetLike } from './types.js';

function deployment(replicas: number, strategy?: { maxSurge?: number | string; maxUnavailable?: number | string }, type = 'RollingUpdate'): DeploymentLike {
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas, strategy: { type, rollingUpdate: strategy } } };
}

function rs(name: string, spec: number, available: number, created: string): ReplicaSetLike {
  return { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name, creationTimestamp: created }, spec: { replicas: spec }, status: { replicas: spec, availableReplicas: available } };
}

test('percentages: surge rounds up, unavailability rounds down', () => {
  assert.equal(scaledValue('25%', 5, true), 2);
  assert.equal(scaledValue('25%', 5, false), 1);
  assert.equal(scaledValue('25%', 1, false), 0);
  assert.equal(scaledValue(3, 100, false), 3);
  assert.throws(() => scaledValue('3', 10, true), /not a percentage/);
});

test('fenceposts: both zero would never progress, so one pod may be unavailable', () => {
  assert.deepEqual(resolveFenceposts(0, 0, 3), { surge: 0, unavailable: 1 });
  assert.deepEqual(resolveFenceposts('0%', '10%', 3), { surge: 0, unavailable: 1 });
  assert.deepEqual(resolveFenceposts(undefined, undefined, 10), { surge: 3, unavailable: 2 });
});

test('maxUnavailable is capped at replicas and zero for Recreate', () => {
  assert.equal(maxUnavailable(deployment(2, { maxSurge: 1, maxUnavailable: 5 })), 2);
  assert.equal(maxUnavailable(deployment(5, undefined, 'Recreate')), 0);
  assert.equal(maxSurge(deployment(5, undefined, 'Recreate')), 0);
  assert.equal(maxSurge(deployment(5)), 2);
});

test('a rolling update of 5 replicas with 25%/25% goes 2 up, then 1 down, as upstream does', () => {
  const d = deployment(5);
  const old = rs('web-old', 5, 5, '2026-01-01T00:00:00Z');
  const fresh = rs('web-new', 0, 0, '2026-01-02T00:00:00Z');
  assert.equal(newRSNewReplicas(d, [old, fresh], fresh), 2);
  fresh.spec!.replicas = 2;
  // 7 pods, 4 must stay available, the 2 new ones are not available yet: one old pod may go.
  assert.deepEqual(planOldScaleDown(d, [old, fresh], [old], fresh).map((s) => [s.rs.metadata.name, s.replicas]), [['web-old', 4]]);
  // At the surge limit the new ReplicaSet cannot grow further.
  assert.equal(newRSNewReplicas(d, [old, fresh], fresh), 2);
});

test('old unavailable replicas are cleaned up first, oldest ReplicaSet first', () => {
  const d = deployment(4, { maxSurge: 0, maxUnavailable: 1 });
  const oldest = rs('a', 2, 0, '2026-01-01T00:00:00Z');
  const older = rs('b', 2, 2, '2026-01-02T00:00:00Z');
  const fresh = rs('c', 0, 0, '2026-01-03T00:00:00Z');
  const steps = planOldScaleDown(d, [oldest, older, fresh], [oldest, older], fresh);
  // maxScaledDown = 4 - 3 - 0 = 1: one unhealthy pod of `a` goes; 2 available ≤ 3 allows no more.
  assert.deepEqual(steps.map((s) => [s.rs.metadata.name, s.replicas]), [['a', 1]]);
});

test('nothing is scaled down while the new pods are not available and the budget is spent', () => {
  const d = deployment(3, { maxSurge: 1, maxUnavailable: 0 });
  const old = rs('old', 3, 3, '2026-01-01T00:00:00Z');
  const fresh = rs('new', 1, 0, '2026-01-02T00:00:00Z');
  assert.deepEqual(planOldScaleDown(d, [old, fresh], [old], fresh), []);
});
