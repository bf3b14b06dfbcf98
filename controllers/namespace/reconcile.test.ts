import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deletionConditions, emptyReport, mergeConditions, withoutKubernetesFinalizer } from './reconcile.js';

test('conditions while content remains, as upstream words them', () => {
  const report = emptyReport();
  report.remaining.set('pods.', 2);
  report.finalizers.set('example.com/keep', 1);
  const byType = Object.fromEntries(deletionConditions(report, 'T').map((c) => [c.type, [c.status, c.reason, c.message]]));
  assert.deepEqual(byType.NamespaceContentRemaining, ['True', 'SomeResourcesRemain', 'Some resources are remaining: pods. has 2 resource instances']);
  assert.deepEqual(byType.NamespaceFinalizersRemaining, ['True', 'SomeFinalizersRemain', 'Some content in the namespace has finalizers remaining: example.com/keep in 1 resource instances']);
  assert.deepEqual(byType.NamespaceDeletionContentFailure, ['False', 'ContentDeleted', 'All content successfully deleted, may be waiting on finalization']);
});

test('an unchanged condition keeps its transition time', () => {
  const first = deletionConditions(emptyReport(), 'T1');
  const second = mergeConditions(first, deletionConditions(emptyReport(), 'T2'));
  assert.ok(second.every((c) => c.lastTransitionTime === 'T1'));
});

test('finalize drops only the kubernetes finalizer', () => {
  const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x' }, spec: { finalizers: ['kubernetes', 'other'] } };
  assert.deepEqual(withoutKubernetesFinalizer(ns).spec!.finalizers, ['other']);
});
