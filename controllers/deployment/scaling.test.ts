import { test } from 'node:test';
import assert from 'node:assert/strict';
import { activeOrLatest, isScalingEvent, planProportionalScale } from './scaling.js';
import type { DeploymentLike, ReplicaSetLike } from './types.js';

function rs(name: string, replicas: number, created: string, annotations: Record<string, string> = {}): ReplicaSetLike {
  return { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name, creationTimestamp: created, annotations }, spec: { replicas }, status: { replicas } };
}

const d20: DeploymentLike = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 20, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } } } };
const sizedFor10 = { 'deployment.kubernetes.io/desired-replicas': '10', 'deployment.kubernetes.io/max-replicas': '10' };

test('a replica change in mid-rollout is a scaling event', () => {
  assert.equal(isScalingEvent(d20, [rs('a', 8, '2026-01-01T00:00:00Z', sizedFor10)]), true);
  assert.equal(isScalingEvent(d20, [rs('a', 8, '2026-01-01T00:00:00Z', { 'deployment.kubernetes.io/desired-replicas': '20' })]), false);
  // Scaled-down ReplicaSets do not count.
  assert.equal(isScalingEvent(d20, [rs('a', 0, '2026-01-01T00:00:00Z', sizedFor10)]), false);
});

test('scaling 10 → 20 in mid-rollout keeps the old:new ratio (8:2 → 16:4)', () => {
  const old = rs('old', 8, '2026-01-01T00:00:00Z', sizedFor10);
  const fresh = rs('new', 2, '2026-01-02T00:00:00Z', sizedFor10);
  const sizes = Object.fromEntries(planProportionalScale(d20, fresh, [old]).map((s) => [s.rs.metadata.name, s.replicas]));
  assert.deepEqual(sizes, { old: 16, new: 4 });
});

test('an odd extra pod goes to the newer of two equal ReplicaSets', () => {
  const d: DeploymentLike = { ...d20, spec: { ...d20.spec, replicas: 11 } };
  const a = rs('a', 5, '2026-01-01T00:00:00Z', sizedFor10);
  const b = rs('b', 5, '2026-01-02T00:00:00Z', sizedFor10);
  const steps = planProportionalScale(d, b, [a]);
  // Equal sizes: growing favours the newer one, which is sorted first and gets the one extra pod.
  assert.deepEqual(steps.map((s) => [s.rs.metadata.name, s.replicas]), [['b', 6], ['a', 5]]);
});

test('with a single active ReplicaSet, that one takes the full count', () => {
  const old = rs('old', 0, '2026-01-01T00:00:00Z');
  const fresh = rs('new', 10, '2026-01-02T00:00:00Z', sizedFor10);
  assert.equal(activeOrLatest(fresh, [old]), fresh);
  assert.deepEqual(planProportionalScale(d20, fresh, [old]).map((s) => s.replicas), [20]);
});
