import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rankPodsForDeletion } from './pod-ranking.js';
import type { PodLike } from './pod-state.js';

const now = Date.parse('2026-01-01T12:00:00Z');

function pod(name: string, o: { node?: string; phase?: string; readySince?: string; created?: string; cost?: number; restarts?: number } = {}): PodLike {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, uid: name, creationTimestamp: o.created ?? '2026-01-01T00:00:00Z', annotations: o.cost !== undefined ? { 'controller.kubernetes.io/pod-deletion-cost': String(o.cost) } : undefined },
    spec: { nodeName: o.node },
    status: {
      phase: o.phase ?? 'Running',
      conditions: o.readySince ? [{ type: 'Ready', status: 'True', lastTransitionTime: o.readySince }] : [],
      containerStatuses: [{ restartCount: o.restarts ?? 0 }],
    },
  };
}

const names = (pods: PodLike[]) => pods.map((p) => p.metadata.name);
const ready = '2026-01-01T01:00:00Z';

test('unscheduled before scheduled, pending before running, not ready before ready', () => {
  const pods = [pod('ready', { node: 'n', readySince: ready }), pod('notready', { node: 'n' }), pod('pending', { node: 'n', phase: 'Pending' }), pod('unscheduled', { phase: 'Pending' })];
  assert.deepEqual(names(rankPodsForDeletion(pods, pods, now)), ['unscheduled', 'pending', 'notready', 'ready']);
});

test('lower deletion cost goes first, then pods doubled up on a node', () => {
  const pods = [pod('cheap', { node: 'a', readySince: ready, cost: -5 }), pod('alone', { node: 'b', readySince: ready }), pod('crowded', { node: 'a', readySince: ready })];
  assert.deepEqual(names(rankPodsForDeletion(pods, pods, now)), ['cheap', 'crowded', 'alone']);
});

test('ready for less time first (by power-of-two age bucket), then more restarts, then newer', () => {
  const pods = [pod('old-ready', { node: 'n', readySince: '2026-01-01T00:00:00Z' }), pod('fresh-ready', { node: 'n', readySince: '2026-01-01T11:59:00Z' })];
  assert.deepEqual(names(rankPodsForDeletion(pods, [], now)), ['fresh-ready', 'old-ready']);
  const restarts = [pod('calm', { node: 'n', readySince: ready }), pod('flappy', { node: 'n', readySince: ready, restarts: 4 })];
  assert.deepEqual(names(rankPodsForDeletion(restarts, [], now)), ['flappy', 'calm']);
  const ages = [pod('older', { node: 'n', created: '2025-01-01T00:00:00Z' }), pod('newer', { node: 'n', created: '2026-01-01T11:59:00Z' })];
  assert.deepEqual(names(rankPodsForDeletion(ages, [], now)), ['newer', 'older']);
});
